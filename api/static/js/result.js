// The finished postcard (sandboxed preview, downloads, share link) or the reason it failed.
import { apiKey, fileUrl } from "./api.js";
import { t } from "./i18n.js";
import { stepLabel } from "./progress.js";
import { shownRevision } from "./revise.js";

const $ = (id) => document.getElementById(id);
const section = $("result");
const frame = $("preview");
const failure = $("failure");
const temporal = $("temporal-link");
let shown = null;

function downloadName(url) {
  return decodeURIComponent(new URL(url, location.href).pathname.split("/").pop());
}

// With a key the browser cannot send it on a plain link: fetch the file and save the blob.
async function keyedDownload(event) {
  if (!apiKey()) return;
  event.preventDefault();
  const link = event.currentTarget;
  const url = await fileUrl(link.href);
  const save = document.createElement("a");
  save.href = url;
  save.download = link.dataset.filename || `postcard-${downloadName(link.href)}`;
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Show the finished postcard of a COMPLETED status body. */
export function showResult(body) {
  const data = body.data || {};
  // With API keys on, the server's links carry the card's share token: frames send no key.
  const preview = new URL(
    data.preview_url || `/preview/${encodeURIComponent(body.task_id)}`,
    location.href,
  );
  const previewUrl = preview.href;
  section.hidden = false;
  showFrame(true);
  // Each new version of the card reloads the frame (the preview URL shows the latest one).
  const version = `${body.task_id}@${shownRevision(body)}`;
  if (shown !== version) {
    if (shownRevision(body) > 1) preview.searchParams.set("v", String(shownRevision(body)));
    frame.src = preview.pathname + preview.search;
    shown = version;
  }
  $("open-preview").href = previewUrl;
  showDownloads(data);
  showPoster(body.task_id);
  $("share-url").value = previewUrl;
  $("copy-state").textContent = "";
}

function showDownloads(data) {
  const html = $("download-html");
  html.hidden = !data.html_url;
  if (data.html_url) html.href = data.html_url;
  const image = $("download-image");
  image.hidden = !data.image_url;
  if (data.image_url) {
    const download = new URL(data.image_url, location.href);
    download.searchParams.set("download", "true");
    image.href = download.href;
  }
}

// The live page or, for an older version, a still of its picture and words.
function showFrame(live) {
  frame.hidden = !live;
  $("still").hidden = live;
  $("version-note").hidden = live;
}

/** Show an older version (a revision body with data): its picture, words and downloads. */
export async function showVersion(detail) {
  const data = detail.data || {};
  const content = data.content || {};
  showFrame(false);
  $("still-title").textContent = content.title || "";
  $("still-subtitle").textContent = content.subtitle || "";
  $("still-body").textContent = content.body || "";
  $("still-signature").textContent = content.signature || "";
  $("version-note-text").textContent = t("versions.viewing", { n: detail.revision });
  $("still").dataset.revision = String(detail.revision);
  showDownloads(data);
  // Each revision has its own poster (GET …/poster.png?revision=n).
  const poster = $("download-poster");
  const url = new URL(poster.href, location.href);
  url.searchParams.set("revision", String(detail.revision));
  poster.href = url.pathname + url.search;
  poster.dataset.filename = `poster-${detail.task_id || "postcard"}-r${detail.revision}.png`;
  const img = $("still-image");
  img.removeAttribute("src");
  if (data.image_url) img.src = await fileUrl(data.image_url);
}

// The postcard as one PNG (title, words and picture) for chat apps that do not open links.
function showPoster(taskId) {
  const poster = $("download-poster");
  const url = new URL(`/api/v1/postcards/${encodeURIComponent(taskId)}/poster.png`, location.href);
  url.searchParams.set("download", "true");
  poster.href = url.pathname + url.search;
  poster.dataset.filename = `poster-${taskId}.png`;
}

/** Show which step failed and why, from a FAILED status body. */
export function showFailure(body) {
  const error = body.error || { step: body.current_step, message: "", retryable: false };
  failure.hidden = false;
  failure.dataset.step = error.step || "";
  $("failure-step").textContent = t("fail.step", { step: stepLabel(error.step) });
  const reason = error.type ? `${error.message} (${error.type})` : error.message;
  $("failure-reason").textContent = t("fail.reason", { reason });
  $("failure-advice").textContent = t(error.retryable ? "fail.retryable" : "fail.final");
}

/** Link the run to its workflow in the Temporal Web UI. */
export function showTemporal(body) {
  temporal.hidden = !body.temporal_url;
  if (body.temporal_url) temporal.href = body.temporal_url;
}

/** Hide the result and the failure of the previous run. */
export function resetResult() {
  section.hidden = true;
  failure.hidden = true;
  temporal.hidden = true;
  frame.removeAttribute("src");
  showFrame(true);
  shown = null;
}

async function copyLink() {
  const input = $("share-url");
  try {
    await navigator.clipboard.writeText(input.value);
    $("copy-state").textContent = t("result.copied");
  } catch {
    input.focus();
    input.select();
    $("copy-state").textContent = t("result.copyManual");
  }
}

$("download-html").addEventListener("click", keyedDownload);
$("download-image").addEventListener("click", keyedDownload);
$("download-poster").addEventListener("click", keyedDownload);
$("copy").addEventListener("click", copyLink);

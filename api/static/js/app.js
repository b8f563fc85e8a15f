// The studio: wire the form, the live run, the result and the gallery together.
import { apiKey, cancelPostcard, createPostcard, postcardStatus, setApiKey } from "./api.js";
import { galleryItem, initGallery, loadGallery, redrawGallery } from "./gallery.js";
import { lang, onLangChange, setLang, t, translate } from "./i18n.js";
import { EXAMPLES, STYLES, THEMES, fillSelect } from "./presets.js";
import { announceChanges, renderProgress, resetProgress } from "./progress.js";
import { resetResult, showFailure, showResult, showTemporal, showVersion } from "./result.js";
import {
  initRevisions,
  progressView,
  resetRevisions,
  settled,
  showRevisions,
  viewingOlder,
} from "./revise.js";
import { watch } from "./stream.js";

const $ = (id) => document.getElementById(id);
const form = $("create-form");
const prompt = $("prompt");
const submit = $("submit");
const formError = $("form-error");
let stopWatching = () => {};
let run = null;
let mode = "";

function drawExamples() {
  const chips = EXAMPLES.map((example) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "chip";
    button.lang = example.lang === "zh" ? "zh-CN" : "en";
    button.textContent = example.text;
    button.addEventListener("click", () => {
      prompt.value = example.text;
      $("style").value = example.style;
      $("theme").value = example.theme;
      prompt.focus();
    });
    const li = document.createElement("li");
    li.append(button);
    return li;
  });
  $("examples").replaceChildren(...chips);
}

function drawChrome() {
  const other = lang() === "zh" ? "en" : "zh";
  const toggle = $("lang");
  toggle.textContent = t("lang.switch");
  toggle.lang = other === "zh" ? "zh-CN" : "en";
  toggle.setAttribute("aria-label", t("lang.label"));
  fillSelect($("style"), STYLES, t("preset.any"));
  fillSelect($("theme"), THEMES, t("preset.any"));
  $("key-state").textContent = t(apiKey() ? "key.set" : "key.unset");
  showMode(mode);
}

function showMode(next) {
  mode = next;
  $("mode").dataset.mode = next;
  $("mode").textContent = next ? t(`mode.${next}`) : "";
}

function render(body) {
  run.body = body;
  // The server holds the request as it was made: retry re-submits exactly that.
  if (body.prompt) {
    run.request = { prompt: body.prompt, style: body.style, theme: body.theme, language: body.language };
  }
  // After a regenerate the steps shown are the newest revision's (its kept ones say so).
  const view = progressView(body);
  renderProgress(view);
  announceChanges(view);
  showTemporal(body);
  showRevisions(body);
  if (body.status === "COMPLETED" && !viewingOlder()) showResult(body);
  if (body.status === "FAILED") showFailure(body);
  $("stop").hidden = settled(body);
  if (settled(body)) {
    showMode("");
    loadGallery();
  }
}

/** Stop the postcard being made (or its new version): it ends as Stopped, type Cancelled. */
async function stop() {
  $("stop").disabled = true;
  try {
    await cancelPostcard(run.taskId);
  } catch (error) {
    $("run-status").textContent = t("run.error", { reason: error.message });
  } finally {
    $("stop").disabled = false;
  }
}

function startWatch(taskId, after = 0) {
  stopWatching();
  stopWatching = watch(taskId, {
    after,
    onStatus: render,
    onMode: showMode,
    onError: (error) => {
      $("run-status").textContent = t("run.error", { reason: error.message });
    },
  });
}

function follow(taskId, request) {
  stopWatching();
  resetProgress();
  resetResult();
  resetRevisions();
  run = { taskId, request, body: null };
  $("run").hidden = false;
  $("run").dataset.taskId = taskId;
  $("run-prompt").textContent = request?.prompt || "";
  history.replaceState(null, "", `#postcard=${encodeURIComponent(taskId)}`);
  startWatch(taskId);
}

function fail(message) {
  formError.textContent = message;
  formError.hidden = false;
  prompt.setAttribute("aria-invalid", "true");
  prompt.focus();
}

async function create(request) {
  formError.hidden = true;
  prompt.removeAttribute("aria-invalid");
  submit.disabled = true;
  submit.textContent = t("create.sending");
  try {
    const created = await createPostcard(request);
    follow(created.task_id, request);
    $("run-h").focus();
    loadGallery(1);
  } catch (error) {
    if (error.status === 401) $("key-box").open = true;
    fail(t("create.failed", { reason: error.message }));
  } finally {
    submit.disabled = false;
    submit.textContent = t("create.submit");
  }
}

function fromForm() {
  const text = prompt.value.trim();
  if (!text) return null;
  return { prompt: text, style: $("style").value || null, theme: $("theme").value || null };
}

function retry() {
  const request = run?.request || fromForm();
  if (request) create(request);
  else prompt.focus();
}

function open(item) {
  follow(item.task_id, { prompt: item.prompt });
  $("run-h").focus();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const request = fromForm();
  if (request) create(request);
  else fail(t("create.empty"));
});
prompt.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
});
$("retry").addEventListener("click", retry);
$("stop").addEventListener("click", stop);
$("lang").addEventListener("click", () => setLang(lang() === "zh" ? "en" : "zh"));
$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  setApiKey($("api-key").value.trim());
  $("api-key").value = "";
  drawChrome();
  loadGallery(1);
});
$("key-clear").addEventListener("click", () => {
  setApiKey("");
  drawChrome();
  loadGallery(1);
});
onLangChange(() => {
  drawChrome();
  redrawGallery();
  if (!run?.body) return;
  renderProgress();
  showRevisions();
  if (run.body.status === "FAILED") showFailure(run.body);
});
// The newest revision a status body lists (0: none).
const newestRevision = (body) => Math.max(0, ...(body?.revisions || []).map((r) => r.revision));

initRevisions({
  onStarted: (accepted) => {
    if (run) startWatch(run.taskId, accepted.revision);
  },
  // Refused because a revision started elsewhere: the status endpoint lists it, watch to its end.
  onRefused: async () => {
    if (!run) return;
    const taskId = run.taskId;
    const body = await postcardStatus(taskId).catch(() => null);
    if (run?.taskId === taskId) startWatch(taskId, newestRevision(body));
  },
  onPick: (detail) => {
    if (detail) showVersion(detail);
    else if (run?.body) showResult(run.body);
  },
});

translate();
drawChrome();
drawExamples();
await initGallery(open);
const linked = new URLSearchParams(location.hash.slice(1)).get("postcard");
if (linked) {
  const item = galleryItem(linked);
  follow(linked, item ? { prompt: item.prompt } : null);
}
document.body.dataset.ready = "true";

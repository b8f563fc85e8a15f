// Past postcards, newest first, a page at a time; each one reopens in the studio.
import { fileUrl, listPostcards } from "./api.js";
import { lang, t } from "./i18n.js";

const PAGE_SIZE = 8;
const $ = (id) => document.getElementById(id);
const cards = $("cards");
const note = $("gallery-note");
let page = 1;
let pages = 1;
let items = [];
let openCard = () => {};

function when(iso) {
  return new Date(iso).toLocaleString(lang() === "zh" ? "zh-CN" : "en", { dateStyle: "medium", timeStyle: "short" });
}

function thumbnail(item) {
  const figure = document.createElement("div");
  figure.className = "thumb";
  if (item.image_url && item.status === "COMPLETED") {
    const img = document.createElement("img");
    img.alt = "";
    img.loading = "lazy";
    img.decoding = "async";
    img.onerror = () => img.remove();
    fileUrl(item.image_url).then((url) => {
      if (url.startsWith("blob:")) img.onload = () => URL.revokeObjectURL(url);
      img.src = url;
    }, () => img.remove());
    figure.append(img);
  }
  return figure;
}

function card(item) {
  const li = document.createElement("li");
  li.className = "card";
  li.dataset.taskId = item.task_id;
  const title = item.title || item.prompt;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "card-open";
  button.setAttribute("aria-label", t("gallery.open", { title }));
  button.addEventListener("click", () => openCard(item));
  const heading = document.createElement("span");
  heading.className = "card-title";
  heading.textContent = title;
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.dataset.status = item.status;
  badge.textContent = t(`status.${item.status}`);
  const time = document.createElement("time");
  time.dateTime = item.created_at;
  time.textContent = when(item.created_at);
  button.append(thumbnail(item), heading, badge, time);
  li.append(button);
  return li;
}

// Redrawing must not drop keyboard focus: it stays on the same card, or moves to the heading.
function draw() {
  const active = document.activeElement;
  const focusedCard = cards.contains(active) ? active.closest("li")?.dataset.taskId : null;
  cards.replaceChildren(...items.map(card));
  $("page-info").textContent = t("gallery.page", { page, pages });
  $("prev").disabled = page <= 1;
  $("next").disabled = page >= pages;
  if (focusedCard || active.disabled) {
    const again = focusedCard && cards.querySelector(`li[data-task-id="${CSS.escape(focusedCard)}"] button`);
    (again || $("gallery-h")).focus();
  }
  if (!items.length && !note.dataset.error) note.textContent = t("gallery.empty");
}

/** Load a page of the gallery (the current one by default). */
export async function loadGallery(target = page) {
  try {
    const answer = await listPostcards(target, PAGE_SIZE);
    page = answer.page;
    pages = Math.max(1, Math.ceil(answer.total / answer.page_size));
    items = answer.items;
    delete note.dataset.error;
    note.textContent = "";
  } catch (error) {
    note.dataset.error = "1";
    note.textContent = t("gallery.failed", { reason: error.message });
  }
  draw();
}

/** The gallery's entry for a task, when it is on the loaded page. */
export function galleryItem(taskId) {
  return items.find((item) => item.task_id === taskId);
}

/** Start the gallery; `onOpen(item)` runs when a postcard is chosen. */
export function initGallery(onOpen) {
  openCard = onOpen;
  $("prev").addEventListener("click", () => loadGallery(page - 1));
  $("next").addEventListener("click", () => loadGallery(page + 1));
  $("refresh").addEventListener("click", () => loadGallery());
  return loadGallery(1);
}

/** Redraw in the active language. */
export function redrawGallery() {
  draw();
}

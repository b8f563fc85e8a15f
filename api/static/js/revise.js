// Edit a finished postcard: make one step again ("change this"), and flip between its versions.
import { postcardRevision, postcardRevisions, regenerate } from "./api.js";
import { t } from "./i18n.js";
import { STEPS, stepLabel } from "./progress.js";

const $ = (id) => document.getElementById(id);
const steps = $("steps");
const form = $("change-form");
const input = $("change-instruction");
const submit = $("change-submit");
const state = $("change-state");
const refusal = $("change-error");
const strip = $("versions");
const list = $("version-list");
const earlierButton = $("versions-earlier");
const UNFINISHED = new Set(["PENDING", "PROCESSING"]);
let body = null;
let chosen = null;
let viewing = null;
let latestDone = null;
// Revisions older than the status body lists (it carries only the newest few), once asked for.
let earlier = [];
let handlers = { onStarted: () => {}, onRefused: () => {}, onPick: () => {} };

/** The revision still being made, or null. */
export function runningRevision(next) {
  return (next?.revisions || []).find((r) => UNFINISHED.has(r.status)) || null;
}

/** Whether nothing is left to watch: the postcard and every revision of it are final. */
export function settled(next) {
  return !UNFINISHED.has(next.status) && !runningRevision(next);
}

/** The newest completed revision: the one the status body's `data` holds. */
export function shownRevision(next) {
  if (next?.data?.revision) return next.data.revision;
  const done = (next?.revisions || []).filter((r) => r.status === "COMPLETED");
  return done.length ? Math.max(...done.map((r) => r.revision)) : 1;
}

function newest(next) {
  const revisions = next?.revisions || [];
  return revisions.length ? revisions[revisions.length - 1] : null;
}

/** The status body as the step list shows it: the newest revision's run once there is one. */
export function progressView(next) {
  const latest = newest(next);
  if (!latest || latest.revision <= 1 || !latest.steps) return next;
  const running = STEPS.find((name) => latest.steps[name]?.status === "running");
  return {
    ...next,
    status: latest.status,
    steps: latest.steps,
    current_step: running || null,
    error: latest.error,
    created_at: latest.created_at,
    completed_at: latest.finished_at,
    updated_at: latest.finished_at || new Date().toISOString(),
  };
}

/** Whether an older version is on show instead of the latest. */
export function viewingOlder() {
  return viewing !== null;
}

function revisionLine(revision) {
  const step = stepLabel(revision.step);
  if (revision.instruction) {
    return t("run.revisionWith", { n: revision.revision, step, instruction: revision.instruction });
  }
  return t("run.revision", { n: revision.revision, step });
}

function outcome(latest) {
  if (!latest || latest.revision <= 1) return "";
  if (latest.status === "FAILED") {
    const reason = latest.error ? `${latest.error.message} (${latest.error.type})` : "";
    return t("change.failed", { n: latest.revision, reason });
  }
  if (latest.status === "COMPLETED") return t("change.done", { n: latest.revision });
  return t("change.started", { n: latest.revision });
}

function closeForm() {
  form.hidden = true;
  chosen = null;
  for (const button of steps.querySelectorAll("button.change")) {
    button.setAttribute("aria-expanded", "false");
  }
}

function openForm(step, button) {
  chosen = step;
  refusal.hidden = true;
  form.hidden = false;
  form.dataset.step = step;
  $("change-h").textContent = t("change.heading", { step: stepLabel(step) });
  $("change-reruns").textContent = t(`change.reruns.${step}`);
  input.placeholder = t("change.placeholder");
  for (const other of steps.querySelectorAll("button.change")) {
    other.setAttribute("aria-expanded", String(other === button));
  }
  input.focus();
}

function label(revision) {
  const n = revision.revision;
  return revision.step
    ? t("versions.changed", { n, step: stepLabel(revision.step) })
    : t("versions.original", { n });
}

function versionItem(revision, current) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "version";
  button.dataset.revision = String(revision.revision);
  button.dataset.status = revision.status;
  button.disabled = revision.status !== "COMPLETED";
  button.setAttribute("aria-pressed", String(revision.revision === current));
  const name = document.createElement("span");
  name.className = "version-name";
  name.textContent = label(revision);
  button.append(name);
  if (revision.instruction) {
    const said = document.createElement("span");
    said.className = "version-said";
    said.textContent = `“${revision.instruction}”`;
    button.append(said);
  }
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.dataset.status = revision.status;
  badge.textContent = t(`status.${revision.status}`);
  button.append(badge);
  button.addEventListener("click", () => pick(revision.revision));
  const li = document.createElement("li");
  li.append(button);
  return li;
}

function drawVersions() {
  const listed = body?.revisions || [];
  const oldest = listed.length ? listed[0].revision : Infinity;
  const revisions = [...earlier.filter((r) => r.revision < oldest), ...listed];
  strip.hidden = revisions.length < 2;
  const current = viewing ?? shownRevision(body);
  list.replaceChildren(...revisions.map((revision) => versionItem(revision, current)));
  const hidden = (body?.revisions_total || 0) - revisions.length;
  earlierButton.hidden = hidden <= 0;
  earlierButton.textContent = t("versions.earlier", { n: hidden });
}

async function showEarlier() {
  if (!body) return;
  const taskId = body.task_id;
  try {
    const page = await postcardRevisions(taskId);
    if (body?.task_id !== taskId) return;
    earlier = page.items;
  } catch (error) {
    state.textContent = t("versions.earlierFailed", { reason: error.message });
    return;
  }
  drawVersions();
  list.querySelector(".version")?.focus();
}

async function pick(n) {
  if (!body) return;
  if (n === shownRevision(body)) {
    viewing = null;
    handlers.onPick(null);
  } else {
    try {
      const detail = await postcardRevision(body.task_id, n);
      viewing = n;
      handlers.onPick(detail);
    } catch (error) {
      state.textContent = t("versions.unavailable", { n, reason: error.message });
      return;
    }
  }
  drawVersions();
  list.querySelector(`[data-revision="${n}"]`)?.focus();
}

/** Show the edit controls and versions of a status body (also after a language change). */
export function showRevisions(next = body) {
  body = next;
  if (!body) return;
  const done = shownRevision(body);
  if (latestDone !== null && done !== latestDone) viewing = null; // a new version: show it
  latestDone = done;
  const open = body.status === "COMPLETED" && !runningRevision(body);
  for (const button of steps.querySelectorAll("button.change")) {
    button.hidden = !open;
    button.textContent = t("change.button");
    button.setAttribute("aria-label", t("change.label", { step: stepLabel(button.dataset.change) }));
  }
  if (!open) closeForm();
  else if (chosen) {
    $("change-h").textContent = t("change.heading", { step: stepLabel(chosen) });
    $("change-reruns").textContent = t(`change.reruns.${chosen}`);
    input.placeholder = t("change.placeholder");
  }
  const latest = newest(body);
  const line = $("run-revision");
  line.hidden = !latest || latest.revision <= 1;
  line.textContent = line.hidden ? "" : revisionLine(latest);
  state.textContent = outcome(latest);
  state.dataset.status = latest?.status || "";
  drawVersions();
}

/** Forget the previous postcard's edits and versions. */
export function resetRevisions() {
  body = null;
  viewing = null;
  latestDone = null;
  earlier = [];
  closeForm();
  strip.hidden = true;
  list.replaceChildren();
  state.textContent = "";
  refusal.hidden = true;
  $("run-revision").hidden = true;
}

/** Wire the controls: onStarted hears an accepted regenerate, onRefused a 409 (the postcard
 * changed meanwhile), onPick a version to show (null: the latest). */
export function initRevisions(next) {
  handlers = { ...handlers, ...next };
  steps.addEventListener("click", (event) => {
    const button = event.target.closest("button.change");
    if (!button) return;
    if (chosen === button.dataset.change && !form.hidden) closeForm();
    else openForm(button.dataset.change, button);
  });
  $("version-latest").addEventListener("click", () => body && pick(shownRevision(body)));
  earlierButton.addEventListener("click", showEarlier);
  $("change-cancel").addEventListener("click", () => {
    const step = chosen;
    closeForm();
    steps.querySelector(`button.change[data-change="${step}"]`)?.focus();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") $("change-cancel").click();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!body || !chosen) return;
    submit.disabled = true;
    submit.textContent = t("change.sending");
    refusal.hidden = true;
    try {
      const accepted = await regenerate(body.task_id, chosen, input.value.trim());
      closeForm();
      input.value = "";
      for (const button of steps.querySelectorAll("button.change")) button.hidden = true;
      state.textContent = t("change.started", { n: accepted.revision });
      handlers.onStarted(accepted);
    } catch (error) {
      refusal.textContent = t("change.refused", { reason: error.message });
      refusal.hidden = false;
      // Refused because of what happened meanwhile (a revision started elsewhere): catch up.
      if (error.status === 409) handlers.onRefused(error);
    } finally {
      submit.disabled = false;
      submit.textContent = t("change.submit");
    }
  });
}

// The four steps of a run, each with its state and timing, announced politely as they change.
import { duration, t } from "./i18n.js";

export const STEPS = ["concept", "content", "image", "frontend"];

const list = document.getElementById("steps");
const runStatus = document.getElementById("run-status");
const announcer = document.getElementById("announcer");
let body = null;
let seen = {};
let ticker = null;

/** A step's name in the active language (unknown names as they are). */
export function stepLabel(name) {
  return STEPS.includes(name) ? t(`step.${name}`) : String(name ?? "");
}

function ms(from, to) {
  return new Date(to).getTime() - new Date(from).getTime();
}

function timing(step) {
  if (step.started_at && step.finished_at) return t("step.took", { time: duration(ms(step.started_at, step.finished_at)) });
  if (step.started_at && step.status === "running") return t("step.elapsed", { time: duration(ms(step.started_at, Date.now())) });
  return "";
}

function details(step) {
  const parts = [];
  if (step.attempts > 1 || (step.status === "running" && step.attempts > 0)) parts.push(t("step.attempts", { n: step.attempts }));
  if (step.status === "running" && step.progress_pct != null) parts.push(`${step.progress_pct}%`);
  if (step.provider) parts.push(t("step.by", { provider: step.provider }));
  // A fallback answered: say for whom and why, so a local page is not mistaken for Claude's.
  if (step.fallback_from) parts.push(t("step.fallback", { from: step.fallback_from, reason: step.fallback_reason || "" }));
  return parts.join(" · ");
}

function item(name) {
  const li = document.createElement("li");
  li.className = "step";
  li.dataset.step = name;
  li.innerHTML = '<span class="step-dot" aria-hidden="true"></span>' +
    '<span class="step-name"></span><span class="step-state"></span>' +
    '<span class="step-time"></span><span class="step-meta"></span>' +
    '<button type="button" class="change" aria-expanded="false" aria-controls="change-form" hidden></button>';
  li.querySelector(".change").dataset.change = name;
  return li;
}

function totalTime(run) {
  const end = run.completed_at || run.updated_at;
  return duration(ms(run.created_at, end));
}

/** Draw the steps of a status body (or redraw the last one, e.g. after a language change). */
export function renderProgress(next = body) {
  body = next;
  if (!body) return;
  if (!list.children.length) for (const name of STEPS) list.append(item(name));
  for (const name of STEPS) {
    const step = body.steps[name] || { status: "pending", attempts: 0 };
    const li = list.querySelector(`[data-step="${name}"]`);
    li.dataset.state = step.status;
    if (body.current_step === name && step.status === "running") li.setAttribute("aria-current", "step");
    else li.removeAttribute("aria-current");
    li.querySelector(".step-name").textContent = stepLabel(name);
    li.querySelector(".step-state").textContent = t(`state.${step.status}`);
    li.querySelector(".step-time").textContent = timing(step);
    li.querySelector(".step-meta").textContent = details(step);
  }
  runStatus.dataset.status = body.status;
  runStatus.textContent = t(`run.${body.status}`, { time: totalTime(body) });
  clearInterval(ticker);
  if (STEPS.some((name) => body.steps[name]?.status === "running")) ticker = setInterval(tick, 250);
}

function tick() {
  for (const name of STEPS) {
    const step = body.steps[name];
    if (step?.status === "running") list.querySelector(`[data-step="${name}"] .step-time`).textContent = timing(step);
  }
}

/** Tell screen-reader users about each step that changed state, and about the end. */
export function announceChanges(next) {
  const said = [];
  for (const name of STEPS) {
    const state = next.steps[name]?.status;
    if (state && state !== "pending" && seen[name] !== state) said.push(t("announce.step", { step: stepLabel(name), state: t(`state.${state}`) }));
    seen[name] = state;
  }
  if (next.status === "COMPLETED") said.push(t("announce.done"));
  if (next.status === "FAILED") said.push(t("announce.failed", { step: stepLabel(next.error?.step) }));
  if (said.length) announcer.textContent = said.join(". ");
}

/** Forget the previous run. */
export function resetProgress() {
  clearInterval(ticker);
  body = null;
  seen = {};
  list.replaceChildren();
  runStatus.textContent = "";
  announcer.textContent = "";
}

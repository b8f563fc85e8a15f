// Every string the studio shows, in English and Chinese, and the language switch.
const STRINGS = {
  en: {
    "app.title": "Postcard Studio",
    skip: "Skip to the wish box",
    "lang.switch": "中文",
    "lang.label": "切换到中文",
    "key.summary": "API key",
    "key.label": "API key (only when the server asks for one)",
    "key.save": "Save",
    "key.clear": "Forget",
    "key.set": "A key is saved in this browser and sent with every request.",
    "key.unset": "No key saved.",
    "create.heading": "Make a postcard",
    "create.prompt": "Your wish",
    "create.hint": "Who is it for, what occasion, what mood? Chinese or English.",
    "create.style": "Style",
    "create.theme": "Theme",
    "create.examples": "Try an example",
    "create.submit": "Create postcard",
    "create.sending": "Sending…",
    "create.empty": "Write a wish first.",
    "create.failed": "The request was not accepted: {reason}",
    "preset.any": "Let the studio choose",
    "run.heading": "Progress",
    "run.temporal": "Open this run in the Temporal Web UI",
    "run.PENDING": "Queued — waiting for a worker",
    "run.PROCESSING": "Working on it",
    "run.COMPLETED": "Done in {time}",
    "run.FAILED": "Stopped",
    "run.error": "This postcard cannot be shown: {reason}",
    "run.stop": "Stop making it",
    "mode.stream": "Live updates",
    "mode.poll": "Updates every 2 s",
    "mode.lost": "Connection lost; retrying…",
    "step.concept": "Concept",
    "step.content": "Content",
    "step.image": "Image",
    "step.frontend": "Code",
    "state.pending": "Waiting",
    "state.running": "Running",
    "state.completed": "Completed",
    "state.failed": "Failed",
    "state.skipped": "Skipped",
    "step.took": "{time}",
    "step.elapsed": "{time} so far",
    "step.attempts": "attempt {n}",
    "step.by": "by {provider}",
    "step.fallback": "in place of {from}: {reason}",
    "announce.step": "{step}: {state}",
    "announce.done": "Your postcard is ready.",
    "announce.failed": "The postcard failed at the {step} step.",
    "fail.heading": "This postcard could not be made",
    "fail.step": "Failed step: {step}",
    "fail.reason": "Reason: {reason}",
    "fail.retryable": "This may work if you try again.",
    "fail.final": "Trying again with the same wish may fail the same way; you can edit it first.",
    "fail.retry": "Try again",
    "result.heading": "Your postcard",
    "result.frame": "Postcard preview",
    "result.html": "Download HTML",
    "result.image": "Download image",
    "result.poster": "Save poster",
    "result.open": "Open full screen",
    "result.share": "Share link",
    "result.copy": "Copy link",
    "result.copied": "Link copied.",
    "result.copyManual": "Press Ctrl+C (⌘C) to copy the selected link.",
    "state.queued": "Queued",
    "state.kept": "Kept",
    "change.button": "Change this",
    "change.label": "Change the {step} step",
    "change.heading": "Change: {step}",
    "change.instruction": "What should change? (optional)",
    "change.placeholder": "e.g. funnier, shorter, more formal, make it blue, another layout",
    "change.reruns.concept": "The concept is made again, and with it the content, the image and the code.",
    "change.reruns.content": "The content and the code are made again; the concept and the image are kept.",
    "change.reruns.image": "The image and the code are made again; the concept and the content are kept.",
    "change.reruns.frontend": "Only the code (the page) is made again; everything else is kept.",
    "change.submit": "Make it again",
    "change.cancel": "Cancel",
    "change.sending": "Sending…",
    "change.refused": "The change was not accepted: {reason}",
    "change.started": "Version {n} is being made.",
    "change.failed": "Version {n} could not be made: {reason}. The postcard keeps its latest finished version.",
    "change.done": "Version {n} is ready.",
    "run.revision": "Version {n}: {step} made again",
    "run.revisionWith": "Version {n}: {step} made again — “{instruction}”",
    "versions.heading": "Versions",
    "versions.original": "v{n} · original",
    "versions.changed": "v{n} · {step}",
    "versions.show": "Show version {n}",
    "versions.viewing": "Showing version {n}: its picture and words, and its downloads. The live page and the share link show the latest version.",
    "versions.latest": "Back to the latest version",
    "versions.earlier": "Earlier versions ({n})",
    "versions.earlierFailed": "The earlier versions cannot be shown: {reason}",
    "versions.unavailable": "Version {n} cannot be shown: {reason}",
    "gallery.heading": "Gallery",
    "gallery.refresh": "Refresh",
    "gallery.prev": "Previous",
    "gallery.next": "Next",
    "gallery.page": "Page {page} of {pages}",
    "gallery.empty": "No postcards yet: your first one will appear here.",
    "gallery.failed": "The gallery could not be loaded: {reason}",
    "gallery.open": "Open “{title}”",
    "status.PENDING": "Queued",
    "status.PROCESSING": "In progress",
    "status.COMPLETED": "Ready",
    "status.FAILED": "Failed",
    "foot": "Each postcard is a durable Temporal workflow: concept → content → image → code.",
    "unit.s": "{n} s",
    "unit.min": "{m} min {s} s",
  },
  zh: {
    "app.title": "明信片工作室",
    skip: "跳到心愿输入框",
    "lang.switch": "English",
    "lang.label": "Switch to English",
    "key.summary": "API 密钥",
    "key.label": "API 密钥（仅在服务器要求时填写）",
    "key.save": "保存",
    "key.clear": "清除",
    "key.set": "密钥已保存在本浏览器中，每次请求都会带上。",
    "key.unset": "尚未保存密钥。",
    "create.heading": "制作明信片",
    "create.prompt": "你的心愿",
    "create.hint": "写给谁？什么场合？想要什么氛围？中文或英文都可以。",
    "create.style": "风格",
    "create.theme": "主题",
    "create.examples": "试试这些例子",
    "create.submit": "生成明信片",
    "create.sending": "正在提交…",
    "create.empty": "请先写下你的心愿。",
    "create.failed": "请求未被接受：{reason}",
    "preset.any": "由工作室决定",
    "run.heading": "制作进度",
    "run.temporal": "在 Temporal Web UI 中查看此次运行",
    "run.PENDING": "排队中，等待处理",
    "run.PROCESSING": "正在制作",
    "run.COMPLETED": "完成，用时 {time}",
    "run.FAILED": "已停止",
    "run.error": "无法显示这张明信片：{reason}",
    "run.stop": "停止制作",
    "mode.stream": "实时更新",
    "mode.poll": "每 2 秒刷新",
    "mode.lost": "连接中断，正在重试…",
    "step.concept": "创意构思",
    "step.content": "文案",
    "step.image": "插画",
    "step.frontend": "页面代码",
    "state.pending": "等待中",
    "state.running": "进行中",
    "state.completed": "已完成",
    "state.failed": "失败",
    "state.skipped": "已跳过",
    "step.took": "{time}",
    "step.elapsed": "已用 {time}",
    "step.attempts": "第 {n} 次尝试",
    "step.by": "由 {provider} 完成",
    "step.fallback": "代替 {from}：{reason}",
    "announce.step": "{step}：{state}",
    "announce.done": "你的明信片已完成。",
    "announce.failed": "明信片在“{step}”步骤失败。",
    "fail.heading": "这张明信片没能完成",
    "fail.step": "失败的步骤：{step}",
    "fail.reason": "原因：{reason}",
    "fail.retryable": "再试一次可能会成功。",
    "fail.final": "用同样的心愿重试可能仍会失败，可以先修改一下。",
    "fail.retry": "重试",
    "result.heading": "你的明信片",
    "result.frame": "明信片预览",
    "result.html": "下载 HTML",
    "result.image": "下载图片",
    "result.poster": "保存海报",
    "result.open": "全屏打开",
    "result.share": "分享链接",
    "result.copy": "复制链接",
    "result.copied": "链接已复制。",
    "result.copyManual": "请按 Ctrl+C（⌘C）复制已选中的链接。",
    "state.queued": "排队中",
    "state.kept": "保留",
    "change.button": "改这一步",
    "change.label": "修改“{step}”这一步",
    "change.heading": "修改：{step}",
    "change.instruction": "想怎么改？（可选）",
    "change.placeholder": "例如：更幽默一点、短一点、正式一点、换成蓝色、换个版式",
    "change.reruns.concept": "重新构思，文案、插画和页面代码也会随之重新生成。",
    "change.reruns.content": "重新生成文案和页面代码，保留构思和插画。",
    "change.reruns.image": "重新生成插画和页面代码，保留构思和文案。",
    "change.reruns.frontend": "只重新生成页面代码，其他都保留。",
    "change.submit": "重新生成",
    "change.cancel": "取消",
    "change.sending": "正在提交…",
    "change.refused": "修改未被接受：{reason}",
    "change.started": "正在制作第 {n} 版。",
    "change.failed": "第 {n} 版没能完成：{reason}。明信片仍保留最新完成的版本。",
    "change.done": "第 {n} 版已完成。",
    "run.revision": "第 {n} 版：重新生成{step}",
    "run.revisionWith": "第 {n} 版：重新生成{step}——“{instruction}”",
    "versions.heading": "版本",
    "versions.original": "第 {n} 版 · 原稿",
    "versions.changed": "第 {n} 版 · {step}",
    "versions.show": "查看第 {n} 版",
    "versions.viewing": "正在查看第 {n} 版：它的插画和文字，下载链接也是这一版的。实时页面和分享链接仍是最新版本。",
    "versions.latest": "回到最新版本",
    "versions.earlier": "更早的版本（{n}）",
    "versions.earlierFailed": "无法显示更早的版本：{reason}",
    "versions.unavailable": "无法显示第 {n} 版：{reason}",
    "gallery.heading": "作品集",
    "gallery.refresh": "刷新",
    "gallery.prev": "上一页",
    "gallery.next": "下一页",
    "gallery.page": "第 {page} / {pages} 页",
    "gallery.empty": "还没有明信片，第一张会出现在这里。",
    "gallery.failed": "作品集加载失败：{reason}",
    "gallery.open": "打开“{title}”",
    "status.PENDING": "排队中",
    "status.PROCESSING": "制作中",
    "status.COMPLETED": "已完成",
    "status.FAILED": "失败",
    "foot": "每张明信片都是一个可靠的 Temporal 工作流：构思 → 文案 → 插画 → 代码。",
    "unit.s": "{n} 秒",
    "unit.min": "{m} 分 {s} 秒",
  },
};

const STORE_KEY = "studio.lang";
const listeners = [];
let current = pick();

function pick() {
  const saved = localStorage.getItem(STORE_KEY);
  if (saved in STRINGS) return saved;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** The active language, "en" or "zh". */
export function lang() {
  return current;
}

/** The string for a key in the active language, with {name} placeholders filled. */
export function t(key, vars = {}) {
  const text = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** Fill every data-i18n element (text) and data-i18n-<attr> attribute under root. */
export function translate(root = document) {
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
  document.title = t("app.title");
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
}

/** Switch language, remember it, and let every view redraw. */
export function setLang(next) {
  current = next in STRINGS ? next : "en";
  localStorage.setItem(STORE_KEY, current);
  translate();
  for (const listener of listeners) listener(current);
}

/** Call back whenever the language changes. */
export function onLangChange(listener) {
  listeners.push(listener);
}

/** "3.4 s" or "1 min 5 s" in the active language. */
export function duration(ms) {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return t("unit.s", { n: seconds.toFixed(1) });
  return t("unit.min", { m: Math.floor(seconds / 60), s: Math.round(seconds % 60) });
}

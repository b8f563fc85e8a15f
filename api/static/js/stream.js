// Watch one postcard: server-sent events first, polling the status endpoint when they fail.
import { ApiError, apiKey, authHeaders, postcardStatus } from "./api.js";

const POLL_MS = 2000;
const STREAM_GIVE_UP_MS = 10000;
const LOST_AFTER_MS = 2500;
const RECONNECT_MS = 1000;
const FINAL = new Set(["COMPLETED", "FAILED"]);
// A finished postcard may have a revision running: the watch goes on until that one ends too.
const settled = (body) =>
  FINAL.has(body.status) && !(body.revisions || []).some((r) => !FINAL.has(r.status));

function* frames(buffer) {
  for (const block of buffer) {
    const event = { event: "message", data: [], id: null };
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const at = line.indexOf(":");
      const field = at < 0 ? line : line.slice(0, at);
      const value = at < 0 ? "" : line.slice(at + 1).replace(/^ /, "");
      if (field === "data") event.data.push(value);
      else if (field === "event") event.event = value;
      else if (field === "id") event.id = value;
    }
    if (event.data.length) yield { ...event, data: event.data.join("\n") };
  }
}

/**
 * Call onStatus with each new status body until the postcard (and any revision) is final.
 * onMode hears "stream", "poll" or "lost"; onError hears an ApiError that ends the watch.
 * `after`: a revision the caller knows has started; the watch does not end on a body that does
 * not list it yet (the server shares one status body among a postcard's streams for a moment,
 * so a stream opened right after a regenerate may first be sent the state from before it).
 * Returns a function that stops watching.
 */
export function watch(taskId, { onStatus, onMode = () => {}, onError = () => {}, after = 0 }) {
  const url = `/api/v1/postcards/${encodeURIComponent(taskId)}/events`;
  let stopped = false;
  let polling = false;
  let streamUp = false;
  let source = null;
  let aborter = null;
  const timers = { poll: null, giveUp: null, lost: null };

  const closeStream = () => {
    source?.close();
    aborter?.abort();
  };
  const stop = () => {
    stopped = true;
    closeStream();
    for (const name of Object.keys(timers)) clearTimeout(timers[name]);
  };
  const knowsAfter = (body) => after === 0 || (body.revisions || []).some((r) => r.revision >= after);
  const deliver = (body) => {
    if (stopped) return;
    onStatus(body);
    if (settled(body) && knowsAfter(body)) stop();
  };
  const connected = () => {
    streamUp = true;
    clearTimeout(timers.giveUp);
    clearTimeout(timers.lost);
    timers.giveUp = timers.lost = null;
    onMode("stream");
  };
  // A stream ends every few seconds by design and reconnects at once: only a long gap shows.
  const disconnected = () => {
    streamUp = false;
    timers.lost ??= setTimeout(() => onMode("lost"), LOST_AFTER_MS);
    timers.giveUp ??= setTimeout(probe, STREAM_GIVE_UP_MS);
  };
  const fatal = (error) => error instanceof ApiError && error.status < 500 && error.status !== 429;

  // While the stream is down, ask the status endpoint: when the API is down too, the stream
  // keeps retrying on its own; when the API answers twice but the stream does not come
  // back (a buffering proxy, say), polling takes over.
  async function probe() {
    timers.giveUp = null;
    let answered = false;
    try {
      deliver(await postcardStatus(taskId));
      answered = true;
    } catch (error) {
      if (fatal(error)) {
        stop();
        onError(error);
        return;
      }
    }
    if (stopped || polling || streamUp) return;
    timers.giveUp = setTimeout(answered ? poll : probe, STREAM_GIVE_UP_MS);
  }

  async function poll() {
    polling = true;
    closeStream();
    clearTimeout(timers.lost);
    if (stopped) return;
    try {
      deliver(await postcardStatus(taskId));
      onMode("poll");
    } catch (error) {
      if (fatal(error)) {
        stop();
        onError(error);
        return;
      }
      onMode("lost");
    }
    if (!stopped) timers.poll = setTimeout(poll, POLL_MS);
  }

  function viaEventSource() {
    source = new EventSource(url);
    source.onopen = connected;
    source.addEventListener("status", (event) => deliver(JSON.parse(event.data)));
    source.onerror = () => {
      if (stopped || polling) return;
      // CLOSED means an HTTP error the browser will not retry; polling reports why.
      if (source.readyState === EventSource.CLOSED) poll();
      else disconnected();
    };
  }

  // EventSource cannot send headers, so with a key the same stream is read through fetch.
  async function viaFetch() {
    let lastId = null;
    while (!stopped && !polling) {
      aborter = new AbortController();
      try {
        const headers = authHeaders({ Accept: "text/event-stream" });
        if (lastId) headers["Last-Event-ID"] = lastId;
        const response = await fetch(url, { headers, signal: aborter.signal, cache: "no-store" });
        if (response.status === 204) return stop();
        if (!response.ok) return poll();
        connected();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let pending = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const blocks = (pending + value.replace(/\r\n?/g, "\n")).split("\n\n");
          pending = blocks.pop();
          for (const event of frames(blocks)) {
            if (event.id !== null) lastId = event.id;
            if (event.event === "status") deliver(JSON.parse(event.data));
          }
        }
      } catch {
        if (stopped || polling) return;
      }
      disconnected();
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }

  if (apiKey()) viaFetch();
  else viaEventSource();
  return stop;
}

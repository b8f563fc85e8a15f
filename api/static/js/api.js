// Calls to the REST API, carrying the optional API key saved in this browser.
const KEY_STORE = "studio.apiKey";

/** An HTTP answer that was not a success, with the server's reason. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** The saved API key, or "" when none. */
export function apiKey() {
  return localStorage.getItem(KEY_STORE) || "";
}

/** Save (or, with "", forget) the API key. */
export function setApiKey(key) {
  if (key) localStorage.setItem(KEY_STORE, key);
  else localStorage.removeItem(KEY_STORE);
}

/** Request headers with the key, when one is saved. */
export function authHeaders(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, "X-API-Key": key } : extra;
}

async function reason(response) {
  try {
    const body = await response.json();
    return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

/** Fetch JSON, raising ApiError with the server's reason on failure. */
export async function request(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    cache: "no-store",
    headers: authHeaders({ Accept: "application/json", ...(options.headers || {}) }),
  });
  if (!response.ok) throw new ApiError(response.status, await reason(response));
  return response.json();
}

/** Ask for a postcard; answers {task_id, status_url, preview_url}. */
export function createPostcard(body) {
  return request("/api/v1/postcards/create", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The status body of one postcard. */
export function postcardStatus(taskId) {
  return request(`/api/v1/postcards/status/${encodeURIComponent(taskId)}`);
}

/** Make one step of a finished postcard again; answers {task_id, revision, status_url}. */
export function regenerate(taskId, step, instruction) {
  const body = instruction ? { step, instruction } : { step };
  return request(`/api/v1/postcards/${encodeURIComponent(taskId)}/regenerate`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Cancel a postcard while it is queued or running (or its running revision). */
export function cancelPostcard(taskId) {
  return request(`/api/v1/postcards/${encodeURIComponent(taskId)}/cancel`, { method: "POST" });
}

/** A page of a postcard's revisions, oldest first: {items, total, page, page_size}. */
export function postcardRevisions(taskId, page = 1, pageSize = 100) {
  const id = encodeURIComponent(taskId);
  return request(`/api/v1/postcards/${id}/revisions?page=${page}&page_size=${pageSize}`);
}

/** One revision of a postcard, with its results once it completed. */
export function postcardRevision(taskId, revision) {
  return request(`/api/v1/postcards/${encodeURIComponent(taskId)}/revisions/${revision}`);
}

/** One page of the caller's postcards, newest first. */
export function listPostcards(page, pageSize) {
  return request(`/api/v1/postcards?page=${page}&page_size=${pageSize}`);
}

/** A URL the browser can use for a protected file: the URL itself, or a blob when keyed. */
export async function fileUrl(url) {
  if (!apiKey()) return url;
  const response = await fetch(url, { headers: authHeaders(), cache: "no-store" });
  if (!response.ok) throw new ApiError(response.status, await reason(response));
  return URL.createObjectURL(await response.blob());
}

// The hub's REST API as the console uses it: every call carries the
// operator's bearer token (kept in sessionStorage: gone with the tab, never
// in a URL), and every failure becomes an ApiError with the message of the
// hub's JSON error body, for the page to show.

const TOKEN_KEY = "edgehub.token";

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}
export function setToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}
export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(status, code, message, requiredRole) {
    super(message);
    this.status = status;
    this.code = code;
    this.requiredRole = requiredRole;
  }
}

// Called with the error when the hub refuses the token (revoked meanwhile).
let onUnauthorized = () => {};
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

async function errorFrom(response) {
  let code = "http_" + response.status;
  let message = `HTTP ${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
      return new ApiError(response.status, code, message, body.required_role);
    }
  } catch {
    // Not JSON (a proxy's page): the status line says what there is to say.
  }
  return new ApiError(response.status, code, message);
}

function headers(extra = {}) {
  return { Authorization: "Bearer " + (token() || ""), ...extra };
}

export async function api(method, path, body, extraHeaders = {}) {
  const init = { method, headers: headers(extraHeaders), cache: "no-store" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (failure) {
    throw new ApiError(0, "unreachable", "the hub cannot be reached: " + failure.message);
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401) onUnauthorized(error);
    throw error;
  }
  if (response.status === 204) return null;
  return response.json();
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body);
export const patch = (path, body, extraHeaders) => api("PATCH", path, body, extraHeaders);
export const del = (path) => api("DELETE", path);

export const enc = encodeURIComponent;

// THE one place that reads the device list. A paged answer
// ({"devices": [...], "next_after": "<id>"}, next page with ?after=) is
// followed to its end, up to MAX_DEVICE_PAGES; an answer without
// next_after is the whole list.
const MAX_DEVICE_PAGES = 100;
export async function listDevices() {
  const devices = [];
  let after = null;
  for (let page = 0; page < MAX_DEVICE_PAGES; page++) {
    const body = await get("/api/v1/devices" + (after === null ? "" : "?after=" + enc(after)));
    devices.push(...body.devices);
    after = body.next_after ?? null;
    if (after === null || body.devices.length === 0) break;
  }
  return devices;
}

// The newest `count` records of a stream, newest first, and the offset a
// tail continues from.
export async function newestRecords(stream, count) {
  const info = await get("/api/v1/streams/" + enc(stream));
  const from = Math.max(info.first_offset, info.next_offset - count);
  const read = await get(`/api/v1/streams/${enc(stream)}/records?from=${from}&limit=${count}`);
  return { records: read.records.reverse(), next: read.next_offset };
}

export { errorFrom };

// The HTTP API client: one fetch wrapper that adds the bearer token, shows the loading
// indicator while calls are under way, and turns every failure into an ApiError with a
// readable message (the server's `{"error":{"code","message"}}` body when there is one).

const TOKEN_KEY = 'feltkart.token';
let pending = 0;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function busy(delta) {
  pending += delta;
  const el = document.getElementById('busy');
  if (el) el.hidden = pending <= 0;
}

async function readError(res, what) {
  let code = `http_${res.status}`;
  let message = '';
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || '';
    }
  } catch {
    // Not JSON: the status line is all we have.
  }
  if (!message) message = `the server answered ${res.status} ${res.statusText}`.trim();
  return new ApiError(res.status, code, `${what} failed: ${message}`);
}

/** Calls the API. `what` names the action in error messages ("Loading the districts"). */
export async function request(method, path, { body, what = `${method} ${path}`, raw = false } = {}) {
  const headers = {};
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  busy(1);
  try {
    let res;
    try {
      res = await fetch(`/api${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, 'network', `${what} failed: the server could not be reached (${e.message})`);
    }
    if (!res.ok) throw await readError(res, what);
    if (raw) return res;
    if (res.status === 204) return null;
    try {
      return await res.json();
    } catch {
      throw new ApiError(res.status, 'bad_json', `${what} failed: the server's answer was not JSON`);
    }
  } finally {
    busy(-1);
  }
}

export const get = (path, what) => request('GET', path, { what });
export const post = (path, body, what) => request('POST', path, { body, what });

/** Downloads a file the API serves behind the token (GPX): fetch, then save it under `name`. */
export async function download(path, name, what) {
  const res = await request('GET', path, { what, raw: true });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** `w,s,e,n` of a MapLibre bounds, for `bbox=` query parameters. */
export function bboxParam(bounds) {
  const r = (x) => x.toFixed(5);
  return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map(r).join(',');
}

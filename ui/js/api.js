// The API client: bearer tokens in sessionStorage (never localStorage), silent refresh
// before expiry and once on a 401, and RFC 9457 problem documents turned into ApiError.

import { put } from './util.js';

const SESSION_KEY = 'bisman.session';
const REFRESH_MARGIN_MS = 60 * 1000;

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    const p = problem && typeof problem === 'object' ? problem : {};
    super(p.detail || p.title || `Request failed (${status})`);
    this.status = status;
    this.problem = p;
    this.code = typeof p.type === 'string' ? p.type.split('/').pop() : (p.code || '');
    this.errors = Array.isArray(p.errors) ? p.errors : [];
    this.retryAfter = retryAfter;
    this.requestId = p.request_id || '';
  }

  // A sentence a person can act on.
  describe() {
    if (this.status === 0) return 'The server could not be reached. Check the connection and try again.';
    if (this.status === 429) {
      const secs = Number(this.retryAfter);
      const wait = Number.isFinite(secs) && secs > 0 ? waitText(secs) : 'a little while';
      return `Too many attempts. Please wait ${wait} before trying again (Retry-After: ${this.retryAfter || '?'} s).`;
    }
    const title = this.problem.title || '';
    const detail = this.problem.detail || '';
    let text = detail && title && !detail.startsWith(title) ? `${title}: ${detail}` : (detail || title || this.message);
    if (this.status === 404 && !title) text = 'Not found (this part of the API may not be available yet).';
    if (this.status >= 500) text = `${text || 'Server error'}${this.requestId ? ` (request ${this.requestId})` : ''}`;
    return text;
  }
}

function waitText(secs) {
  if (secs < 90) return `${secs} seconds`;
  const m = Math.ceil(secs / 60);
  return `${m} minutes`;
}

let current = null;
let refreshTimer = null;
let refreshing = null;
const listeners = { signedOut: () => {}, passwordExpired: () => {}, changed: () => {} };

export const session = {
  get() { return current; },
  on(name, fn) { listeners[name] = fn; },
  load() {
    try {
      current = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    } catch {
      current = null;
    }
    if (current) scheduleRefresh();
    return current;
  },
  // data: a login/refresh response; extra: {scope, tenant}
  start(data, extra) {
    current = { ...extra };
    applyTokens(data);
  },
  clear() {
    current = null;
    clearTimeout(refreshTimer);
    sessionStorage.removeItem(SESSION_KEY);
  },
  can(perm) {
    const perms = current?.user?.permissions;
    return Array.isArray(perms) && perms.includes(perm);
  },
  canAny(...perms) { return perms.some((p) => session.can(p)); },
  isSystem() { return current?.scope === 'system'; },
  setUser(user) {
    if (!current) return;
    current.user = user;
    persist();
  },
};

function persist() {
  if (current) sessionStorage.setItem(SESSION_KEY, JSON.stringify(current));
}

function applyTokens(data) {
  current.access_token = data.access_token;
  current.refresh_token = data.refresh_token;
  current.expires_at = Date.now() + (Number(data.expires_in) || 3600) * 1000;
  if (data.user) current.user = data.user;
  if (typeof data.password_expired === 'boolean') current.password_expired = data.password_expired;
  persist();
  scheduleRefresh();
  listeners.changed(current);
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!current || current.scope !== 'tenant' || !current.refresh_token) return;
  const wait = Math.max(1000, current.expires_at - Date.now() - REFRESH_MARGIN_MS);
  refreshTimer = setTimeout(() => { refreshNow(); }, Math.min(wait, 2 ** 31 - 1));
}

// One refresh at a time; resolves true when a new pair was stored.
export function refreshNow() {
  if (!current || current.scope !== 'tenant' || !current.refresh_token) return Promise.resolve(false);
  if (!refreshing) {
    const token = current.refresh_token;
    refreshing = (async () => {
      try {
        const res = await fetch('/api/v1/auth/refresh', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ refresh_token: token }),
          cache: 'no-store',
        });
        if (!res.ok) return false;
        const data = await res.json();
        if (!current) return false;
        applyTokens(data);
        return true;
      } catch {
        return false;
      } finally {
        setTimeout(() => { refreshing = null; }, 0);
      }
    })();
  }
  return refreshing;
}

async function problemOf(res) {
  const ct = res.headers.get('content-type') || '';
  let body = null;
  if (ct.includes('json')) body = await res.json().catch(() => null);
  else body = { title: res.statusText || `HTTP ${res.status}` };
  return new ApiError(res.status, body, res.headers.get('retry-after'));
}

// api('GET', '/api/v1/branches', {query, body, headers, form, raw, anonymous})
export async function api(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  let body;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (!opts.anonymous && current?.access_token) {
    if (current.scope === 'tenant' && current.expires_at - Date.now() < 5000 && !opts.retried) {
      await refreshNow();
    }
    headers.Authorization = `Bearer ${current.access_token}`;
  }
  let url = path;
  if (opts.query) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
    const s = u.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, cache: 'no-store', credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { title: 'Network error' });
  }
  if (res.status === 401 && !opts.anonymous && current) {
    if (!opts.retried && current.scope === 'tenant' && await refreshNow()) {
      return api(method, path, { ...opts, retried: true });
    }
    const e = await problemOf(res);
    listeners.signedOut('Your session has ended. Please sign in again.');
    throw e;
  }
  if (!res.ok) {
    const e = await problemOf(res);
    if (e.code === 'password_expired') listeners.passwordExpired();
    throw e;
  }
  if (opts.raw) return res;
  if (res.status === 204) return null;
  const ct = res.headers.get('content-type') || '';
  return ct.includes('json') ? res.json() : res.text();
}

export const get = (path, query) => api('GET', path, { query });

// Follows next_cursor until done (bounded), for small reference lists like branches.
export async function getAll(path, query = {}, maxPages = 20) {
  const out = [];
  let cursor = null;
  for (let i = 0; i < maxPages; i += 1) {
    const page = await api('GET', path, { query: { ...query, limit: 200, cursor } });
    out.push(...(page.items || []));
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return out;
}

// Downloads a file the API serves with Content-Disposition: attachment.
export async function download(path, fallbackName) {
  const res = await api('GET', path, { raw: true, headers: { Accept: '*/*' } });
  const cd = res.headers.get('content-disposition') || '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
  const name = m ? decodeURIComponent(m[1]) : fallbackName;
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name || 'download';
  put(document.body, a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return name;
}

// Talking to the Atoll API: every request carries the bearer token kept in localStorage (when one
// is set); a 401 asks the user for a token and tries once more. The event stream is read with
// fetch() and a ReadableStream, because EventSource cannot send an Authorization header.

const TOKEN_KEY = 'atoll.token';

export function token() {
  try { return localStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

export function setToken(value) {
  try {
    if (value) localStorage.setItem(TOKEN_KEY, value); else localStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: the token lives for this page only */ }
}

let askToken = async () => false;
/** The page hands in how to ask for a token (a dialog); it resolves true when one was given. */
export function onTokenNeeded(ask) { askToken = ask; }

function headers(extra = {}) {
  const h = { ...extra };
  const t = token();
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

/** An error answer of the API: problem+json's detail and its field errors. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

export async function request(method, path, { body, contentType, signal, retried } = {}) {
  const init = { method, headers: headers(contentType ? { 'Content-Type': contentType } : {}), signal };
  if (body !== undefined) init.body = body;
  const res = await fetch(path, init);
  if (res.status === 401 && !retried) {
    if (await askToken('The API answered 401: it needs a valid token.')) {
      return request(method, path, { body, contentType, signal, retried: true });
    }
  }
  const text = await res.text();
  let json = null;
  if (text) { try { json = JSON.parse(text); } catch { json = null; } }
  if (!res.ok) throw new ApiError(res.status, json || { detail: text || res.statusText });
  return json;
}

export const get = (path, opts) => request('GET', path, opts);
export const postJson = (path, value) => request('POST', path, { body: JSON.stringify(value), contentType: 'application/json' });
export const postText = (path, text) => request('POST', path, { body: text, contentType: 'application/yaml' });
export const putText = (path, text) => request('PUT', path, { body: text, contentType: 'application/yaml' });
export const del = (path) => request('DELETE', path);

/**
 * Reads a streaming response line by line until aborted; onChunk gets the text as it comes.
 * Resolves when the server ends the stream.
 */
export async function stream(path, onChunk, signal) {
  const res = await fetch(path, { headers: headers(), signal });
  if (res.status === 401) {
    if (await askToken('The API answered 401 to a stream: it needs a valid token.')) return stream(path, onChunk, signal);
    throw new ApiError(401, { detail: 'a token is needed' });
  }
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch { /* not json */ }
    throw new ApiError(res.status, problem);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onChunk(value);
  }
}

/**
 * The cloud's event stream (GET /v1/events, Server-Sent Events), reconnecting after a drop with
 * ?since= the last id so nothing still in the backlog is lost. Listeners get each event object.
 */
export class EventFeed {
  constructor() {
    this.listeners = new Set();
    this.stateListeners = new Set();
    this.last = -1;
    this.controller = null;
    this.retryMs = 500;
    this.state = 'connecting';
  }

  subscribe(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  onState(fn) { this.stateListeners.add(fn); fn(this.state); return () => this.stateListeners.delete(fn); }

  setState(s) { this.state = s; for (const fn of this.stateListeners) fn(s); }

  start() {
    if (this.controller) return;
    this.controller = new AbortController();
    this.loop(this.controller.signal);
  }

  /** Ends the stream; start() opens it again from the last event seen. */
  stop() {
    if (!this.controller) return;
    this.controller.abort();
    this.controller = null;
  }

  async loop(signal) {
    while (!signal.aborted) {
      let buffer = '';
      try {
        const since = this.last >= 0 ? `&since=${this.last}` : '';
        this.setState('connecting');
        await stream(`/v1/events?watch=true&limit=200${since}`, (chunk) => {
          if (this.state !== 'live') this.setState('live');
          this.retryMs = 500;
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.frame(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }, signal);
      } catch (e) {
        if (signal.aborted) return;
      }
      this.setState('reconnecting');
      await new Promise((r) => setTimeout(r, this.retryMs));
      this.retryMs = Math.min(this.retryMs * 2, 10000);
    }
  }

  frame(text) {
    let id = null; let data = '';
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = Number(value);
      else if (field === 'data') data += (data ? '\n' : '') + value;
    }
    if (!data) return;
    let event;
    try { event = JSON.parse(data); } catch { return; }
    if (id !== null && !Number.isNaN(id)) this.last = Math.max(this.last, id);
    for (const fn of this.listeners) fn(event);
  }
}

// The console's JSON API from the browser: same-origin cookie session, CSRF header on writes.

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error ?? null;
    this.fields = body?.fields ?? {};
  }
}

export class Api {
  #csrf = null;
  #onUnauthenticated;

  constructor(onUnauthenticated) {
    this.#onUnauthenticated = onUnauthenticated;
  }

  set csrfToken(token) {
    this.#csrf = token;
  }

  async request(method, url, body, opts = {}) {
    const headers = { accept: 'application/json' };
    if (method !== 'GET' && this.#csrf) headers['x-csrf-token'] = this.#csrf;
    let payload;
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      headers['content-type'] = 'application/octet-stream';
      payload = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (res.status === 401 && !opts.noRedirect) this.#onUnauthenticated();
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  get(url, opts) {
    return this.request('GET', url, undefined, opts);
  }
  post(url, body) {
    return this.request('POST', url, body ?? {});
  }
  put(url, body) {
    return this.request('PUT', url, body);
  }
  del(url) {
    return this.request('DELETE', url);
  }
}

/**
 * The typed HTTP client of the studio. The access token lives in memory only (never storage); the
 * refresh token is an httpOnly cookie, so every request carries `credentials: 'include'`. A 401 on
 * an authenticated call triggers one refresh (shared by concurrent callers) and one retry, so the
 * user keeps their place; if the refresh fails the session is over and `onSessionExpired` runs.
 */
import { csrfHeaderName } from '@streamhub/shared/api/auth';

export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
}

/** Every failure the client reports: a code from the error registry plus the message to show. */
export class ApiError extends Error implements ApiErrorBody {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(options: { code: string; message: string; status: number; details?: unknown }) {
    super(options.message);
    this.name = 'ApiError';
    this.code = options.code;
    this.status = options.status;
    this.details = options.details;
  }
}

export type Parse<T> = (value: unknown) => T;

/** The part of XMLHttpRequest an upload uses (fetch has no upload progress); tests pass a stand-in. */
export interface UploadXhr {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  withCredentials: boolean;
  readonly upload: { onprogress: ((event: ProgressEvent) => void) | null };
  onload: ((event: ProgressEvent) => void) | null;
  onerror: ((event: ProgressEvent) => void) | null;
  onabort: ((event: ProgressEvent) => void) | null;
  send(body: Blob): void;
  abort(): void;
  readonly status: number;
  readonly statusText: string;
  readonly responseText: string;
}

export interface UploadOptions<T> {
  readonly body: Blob;
  readonly parse: Parse<T>;
  /** Fraction of the body sent, 0…1, as the browser reports it. */
  readonly onProgress?: (fraction: number) => void;
  readonly signal?: AbortSignal;
}

export interface ApiClientOptions {
  /** Prefix of every path, e.g. '' (same origin) or 'http://127.0.0.1:8080'. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /** Called once when a refresh fails: the UI sends the user to sign in (keeping the route). */
  readonly onSessionExpired?: () => void;
  /** Makes the XMLHttpRequest of uploads; default `new XMLHttpRequest()`. */
  readonly createXhr?: () => UploadXhr;
}

export interface RequestOptions<T> {
  readonly method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  readonly parse: Parse<T>;
  /** false for the auth routes themselves (no bearer, no refresh-and-retry loop). */
  readonly auth?: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads `{ code, message }` out of an error response, whatever its shape. */
async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown = undefined;
  try {
    body = await response.json();
  } catch {
    // Not JSON (proxy error page, empty body): fall back to the status below.
  }
  if (isRecord(body) && typeof body.code === 'string' && typeof body.message === 'string') {
    return new ApiError({ code: body.code, message: body.message, status: response.status, details: body.details });
  }
  const code = response.status === 401 ? 'AUTH_UNAUTHORIZED' : response.status >= 500 ? 'HTTP_INTERNAL' : 'HTTP_BAD_REQUEST';
  return new ApiError({ code, message: `Request failed (${response.status} ${response.statusText}).`, status: response.status });
}

function parsed<T>(parse: Parse<T>, body: unknown, status: number): T {
  try {
    return parse(body);
  } catch (cause) {
    throw new ApiError({ code: 'HTTP_BAD_RESPONSE', message: 'The server answered with something this studio does not understand. Reload the page.', status, details: String(cause) });
  }
}

export class ApiClient {
  #accessToken: string | null = null;
  #refreshing: Promise<boolean> | null = null;
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #onSessionExpired: (() => void) | undefined;
  readonly #createXhr: () => UploadXhr;

  constructor(options: ApiClientOptions = {}) {
    this.#baseUrl = options.baseUrl ?? '';
    // Bound so that `window.fetch` keeps its receiver.
    const f = options.fetch ?? globalThis.fetch;
    this.#fetch = (input, init) => f(input, init);
    this.#onSessionExpired = options.onSessionExpired;
    this.#createXhr = options.createXhr ?? (() => new XMLHttpRequest());
  }

  get hasAccessToken(): boolean {
    return this.#accessToken !== null;
  }

  setAccessToken(token: string | null): void {
    this.#accessToken = token;
  }

  async request<T>(path: string, options: RequestOptions<T>): Promise<T> {
    const response = await this.#withRefresh(() => this.#send(path, options, options.auth ?? true), options.auth ?? true);
    if (!response.ok) throw await errorFrom(response);
    const body: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
    return parsed(options.parse, body, response.status);
  }

  /** An authenticated GET of a file (e.g. uploaded media), as a Blob. */
  async blob(path: string): Promise<Blob> {
    const response = await this.#withRefresh(() => this.#send(path, { parse: () => undefined }, true), true);
    if (!response.ok) throw await errorFrom(response);
    return response.blob();
  }

  /**
   * POSTs a file with upload progress (XMLHttpRequest: fetch reports none), with the same bearer,
   * CSRF header and one refresh-and-retry on 401 as `request`. The body is sent as
   * `application/octet-stream`: the server sniffs the type from the bytes.
   */
  async upload<T>(path: string, options: UploadOptions<T>): Promise<T> {
    const response = await this.#withRefresh(() => this.#xhr(path, options), true);
    if (!response.ok) throw await errorFrom(response);
    return parsed(options.parse, await response.json().catch(() => undefined), response.status);
  }

  /** Runs `send`; on a 401 refreshes once and runs it again, or ends the session. */
  async #withRefresh(send: () => Promise<Response>, auth: boolean): Promise<Response> {
    const response = await send();
    if (response.status !== 401 || !auth) return response;
    if (!(await this.refresh())) {
      this.#onSessionExpired?.();
      return response;
    }
    return send();
  }

  #xhr<T>(path: string, options: UploadOptions<T>): Promise<Response> {
    const aborted = (): ApiError => new ApiError({ code: 'HTTP_ABORTED', message: 'The upload was cancelled.', status: 0 });
    if (options.signal?.aborted === true) return Promise.reject(aborted());
    return new Promise((resolve, reject) => {
      const xhr = this.#createXhr();
      const abort = (): void => xhr.abort();
      const done = (): void => options.signal?.removeEventListener('abort', abort);
      xhr.open('POST', `${this.#baseUrl}${path}`);
      xhr.withCredentials = true;
      xhr.setRequestHeader('accept', 'application/json');
      xhr.setRequestHeader(csrfHeaderName, '1');
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      if (this.#accessToken !== null) xhr.setRequestHeader('authorization', `Bearer ${this.#accessToken}`);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) options.onProgress?.(Math.min(1, event.loaded / event.total));
      };
      xhr.onload = () => {
        done();
        resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, statusText: xhr.statusText }));
      };
      xhr.onerror = () => {
        done();
        reject(new ApiError({ code: 'HTTP_NETWORK', message: 'The upload failed: cannot reach the server. Check your connection and try again.', status: 0 }));
      };
      xhr.onabort = () => {
        done();
        reject(aborted());
      };
      options.signal?.addEventListener('abort', abort, { once: true });
      xhr.send(options.body);
    });
  }

  /** Exchanges the refresh cookie for a new access token; concurrent callers share one attempt. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#doRefresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #doRefresh(): Promise<boolean> {
    try {
      const response = await this.#send('/api/auth/refresh', { method: 'POST', parse: () => undefined }, false);
      if (!response.ok) {
        this.#accessToken = null;
        return false;
      }
      const body: unknown = await response.json();
      if (!isRecord(body) || typeof body.accessToken !== 'string') return false;
      this.#accessToken = body.accessToken;
      return true;
    } catch {
      return false;
    }
  }

  async #send<T>(path: string, options: RequestOptions<T>, auth: boolean): Promise<Response> {
    // The CSRF header is required on cookie-authenticated routes (refresh, logout); harmless elsewhere.
    const headers: Record<string, string> = { accept: 'application/json', [csrfHeaderName]: '1' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (auth && this.#accessToken !== null) headers.authorization = `Bearer ${this.#accessToken}`;
    try {
      return await this.#fetch(`${this.#baseUrl}${path}`, {
        method: options.method ?? 'GET',
        headers,
        credentials: 'include',
        body: options.body === undefined ? null : JSON.stringify(options.body),
      });
    } catch (cause) {
      throw new ApiError({ code: 'HTTP_NETWORK', message: 'Cannot reach the server. Check your connection and try again.', status: 0, details: String(cause) });
    }
  }
}

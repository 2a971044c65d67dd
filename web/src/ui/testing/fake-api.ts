/**
 * An in-memory stand-in for the ingest API (issue 3), served through a fake `fetch`: the real API
 * needs PostgreSQL and a server, which component tests in the browser cannot start. Responses
 * follow the shared zod schemas (the tests parse them with the real client).
 */
import { planLimits, type Plan } from '@streamhub/shared/plans';
import { maskSecret, platformPresets, type Platform } from '@streamhub/shared/platforms';
import { FakeMedia } from './fake-media.ts';

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly credentials: RequestCredentials | undefined;
}

interface StoredDestination {
  id: string; name: string; platform: Platform; url: string; key: string; title: string | null; enabled: boolean;
}

const json = (status: number, body: unknown): Response =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const fail = (status: number, code: string, message: string): Response => json(status, { code, message });
const iso = (ms: number): string => new Date(ms).toISOString();

export class FakeApi {
  readonly log: LoggedRequest[] = [];
  plan: Plan = 'free';
  accessToken: string | null = null;
  refreshValid = false;
  refreshCount = 0;
  destinations: StoredDestination[] = [];
  pastSessions: unknown[] = [];
  /** What `GET /api/stream/status` reports as the relay's live status. */
  liveStatus: unknown = null;
  /** What `GET /api/stream/status` reports as the publisher's transport. */
  transport: 'webtransport' | 'websocket' | null = null;
  /** Session details by id (`GET /api/stream/sessions/:id`). */
  sessionDetails = new Map<string, unknown>();
  /** The media bin's routes and the upload stand-in (pass `media.createXhr` to the ApiClient). */
  readonly media = new FakeMedia(() => this.plan, (header) => this.accessToken !== null && header === `Bearer ${this.accessToken}`);
  readonly userId = crypto.randomUUID();
  email = 'creator@example.com';
  #tokens = 0;

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://studio.test');
    const method = init?.method ?? 'GET';
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    this.log.push({ method, path: url.pathname, headers, body, credentials: init?.credentials });
    await Promise.resolve();
    return this.#route(method, url.pathname, headers, body);
  };

  /** Signs in without the UI (as if the refresh cookie were set). */
  signIn(): void {
    this.refreshValid = true;
    this.accessToken = `access-${++this.#tokens}`;
  }

  /** The access token expires: the next authenticated call gets 401. */
  expireAccessToken(): void {
    this.accessToken = `expired-${++this.#tokens}`;
  }

  addDestination(d: { name: string; platform?: Platform; key: string; enabled?: boolean; url?: string }): string {
    const platform = d.platform ?? 'custom';
    const id = crypto.randomUUID();
    this.destinations.push({ id, name: d.name, platform, url: d.url ?? platformPresets[platform].defaultUrl ?? 'rtmp://127.0.0.1/live', key: d.key, title: null, enabled: d.enabled ?? true });
    return id;
  }

  requests(method: string, path: string): LoggedRequest[] {
    return this.log.filter((r) => r.method === method && r.path === path);
  }

  user(): Record<string, unknown> {
    return { id: this.userId, email: this.email, displayName: null, plan: this.plan, createdAt: iso(0) };
  }

  #token(): Record<string, unknown> {
    this.accessToken = `access-${++this.#tokens}`;
    return { accessToken: this.accessToken, tokenType: 'Bearer', expiresIn: 900, user: this.user() };
  }

  #dest(d: StoredDestination): Record<string, unknown> {
    return { id: d.id, name: d.name, platform: d.platform, url: d.url, streamKeyMasked: maskSecret(d.key), title: d.title, enabled: d.enabled, createdAt: iso(0), updatedAt: iso(0) };
  }

  #route(method: string, path: string, headers: Record<string, string>, body: unknown): Response {
    const b = (body ?? {}) as Record<string, unknown>;
    if (method === 'POST' && path === '/api/auth/register') {
      if (typeof b.email === 'string' && b.email === 'taken@example.com') return fail(409, 'AUTH_EMAIL_TAKEN', 'An account with this email already exists.');
      this.email = String(b.email);
      return json(201, { user: this.user() });
    }
    if (method === 'POST' && path === '/api/auth/login') {
      if (b.password === 'wrong-password1') return fail(401, 'AUTH_INVALID_CREDENTIALS', 'Email or password is incorrect.');
      this.email = String(b.email);
      this.refreshValid = true;
      return json(200, this.#token());
    }
    if (method === 'POST' && path === '/api/auth/refresh') {
      this.refreshCount++;
      if (headers['x-streamhub-csrf'] === undefined) return fail(403, 'AUTH_CSRF', 'missing csrf');
      return this.refreshValid ? json(200, this.#token()) : fail(401, 'AUTH_REFRESH_INVALID', 'Your session has ended; sign in again.');
    }
    if (headers.authorization !== `Bearer ${this.accessToken ?? ''}` || this.accessToken === null) {
      return fail(401, 'AUTH_UNAUTHENTICATED', 'Sign in to continue.');
    }
    return this.#authed(method, path, b);
  }

  #authed(method: string, path: string, b: Record<string, unknown>): Response {
    if (method === 'POST' && path === '/api/auth/logout') {
      this.refreshValid = false;
      this.accessToken = null;
      return new Response(null, { status: 204 });
    }
    if (method === 'GET' && path === '/api/user/profile') return json(200, this.user());
    if (method === 'GET' && path === '/api/auth/sessions') {
      return json(200, { sessions: [
        { id: '00000000-0000-4000-8000-000000000001', deviceLabel: 'This laptop', userAgent: 'Chromium', createdAt: iso(0), lastUsedAt: iso(0), current: true },
        { id: '00000000-0000-4000-8000-000000000002', deviceLabel: 'Phone', userAgent: 'Mobile Safari', createdAt: iso(0), lastUsedAt: iso(0), current: false },
      ] });
    }
    if (method === 'DELETE' && path.startsWith('/api/auth/sessions/')) return new Response(null, { status: 204 });
    if (path === '/api/destinations' || path.startsWith('/api/destinations/')) return this.#destinations(method, path, b);
    if (method === 'POST' && path === '/api/stream/start') return this.#start(b);
    if (method === 'POST' && path === '/api/stream/stop') return new Response(null, { status: 204 });
    if (method === 'GET' && path === '/api/stream/status') return json(200, { session: null, live: this.liveStatus, transport: this.transport });
    if (method === 'GET' && path === '/api/stream/sessions') return json(200, { sessions: this.pastSessions, total: this.pastSessions.length });
    if (method === 'GET' && path.startsWith('/api/stream/sessions/')) {
      const detail = this.sessionDetails.get(path.split('/')[4] ?? '');
      return detail === undefined ? fail(404, 'STREAM_SESSION_NOT_FOUND', 'Stream session not found.') : json(200, detail);
    }
    if (path === '/api/media' || path.startsWith('/api/media/')) return this.media.route(method, path, b);
    return fail(404, 'HTTP_NOT_FOUND', `Route ${method} ${path} not found`);
  }

  #destinations(method: string, path: string, b: Record<string, unknown>): Response {
    const id = path.split('/')[3];
    if (method === 'GET') return json(200, { destinations: this.destinations.map((d) => this.#dest(d)) });
    if (method === 'POST') {
      const platform = b.platform as Platform;
      const newId = this.addDestination({ name: String(b.name), platform, key: String(b.streamKey), url: typeof b.url === 'string' ? b.url : undefined });
      const created = this.destinations.find((d) => d.id === newId);
      return created === undefined ? fail(500, 'HTTP_INTERNAL', 'x') : json(201, this.#dest(created));
    }
    const d = this.destinations.find((x) => x.id === id);
    if (d === undefined) return fail(404, 'DESTINATION_NOT_FOUND', 'Destination not found.');
    if (method === 'DELETE') {
      this.destinations = this.destinations.filter((x) => x.id !== id);
      return new Response(null, { status: 204 });
    }
    if (typeof b.name === 'string') d.name = b.name;
    if (typeof b.enabled === 'boolean') d.enabled = b.enabled;
    if (typeof b.streamKey === 'string') d.key = b.streamKey;
    if (typeof b.url === 'string') d.url = b.url;
    return json(200, this.#dest(d));
  }

  #start(b: Record<string, unknown>): Response {
    const ids = Array.isArray(b.destinations) ? b.destinations : [];
    if (ids.length > planLimits[this.plan].maxSimultaneousDestinations) {
      return fail(403, 'PLAN_DESTINATION_LIMIT', 'Your plan does not allow this many simultaneous destinations.');
    }
    return json(200, {
      sessionId: crypto.randomUUID(),
      ingest: { webtransportUrl: 'https://127.0.0.1:4433/ingest', websocketUrl: 'wss://127.0.0.1:8080/ingest', token: 'ingest-token', certificateHashes: [{ algorithm: 'sha-256', value: 'AAAA' }] },
      resolution: b.resolution ?? '720p',
      record: false,
      videoBitrateKbps: 4500,
    });
  }
}

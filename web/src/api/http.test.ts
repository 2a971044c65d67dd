import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from './http.ts';
import { createEndpoints } from './endpoints.ts';
import { FakeApi } from '../ui/testing/fake-api.ts';

function setup(): { api: FakeApi; client: ApiClient; expired: { n: number } } {
  const api = new FakeApi();
  const expired = { n: 0 };
  const client = new ApiClient({ fetch: api.fetch, createXhr: api.media.createXhr, onSessionExpired: () => { expired.n++; } });
  return { api, client, expired };
}

describe('ApiClient uploads (XMLHttpRequest)', () => {
  it('reports upload progress, and on 401 refreshes once and sends the file again', async () => {
    const { api, client, expired } = setup();
    api.signIn();
    client.setAccessToken(api.accessToken);
    api.expireAccessToken();
    const seen: number[] = [];
    const file = new Blob([new Uint8Array(1000)], { type: 'image/png' });
    const uploaded = createEndpoints(client).uploadMedia(file, 'a b.png', { onProgress: (f) => seen.push(f) });
    await expect.poll(() => api.media.inFlight.length).toBe(1);
    expect(api.requests('POST', '/api/auth/refresh')).toHaveLength(1);
    const xhr = api.media.inFlight[0];
    expect(xhr?.headers.authorization).toBe(`Bearer ${api.accessToken ?? ''}`);
    expect(xhr?.url).toBe('/api/media?name=a%20b.png');
    xhr?.progress(0.5);
    xhr?.finish();
    expect(await uploaded).toMatchObject({ name: 'a b.png', sizeBytes: 1000, kind: 'image' });
    expect(seen).toEqual([0.5]);
    expect(expired.n).toBe(0);
  });

  it('an aborted upload rejects with HTTP_ABORTED; a server refusal with its code', async () => {
    const { api, client } = setup();
    api.signIn();
    client.setAccessToken(api.accessToken);
    const endpoints = createEndpoints(client);
    const cancel = new AbortController();
    const aborted = endpoints.uploadMedia(new Blob([new Uint8Array(10)]), 'x.png', { signal: cancel.signal });
    cancel.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'HTTP_ABORTED' });
    const refused = endpoints.uploadMedia(new Blob([new Uint8Array(10)]), 'y.png');
    await expect.poll(() => api.media.inFlight.length).toBe(1);
    api.media.inFlight[0]?.finish({ status: 413, code: 'MEDIA_TOO_LARGE', message: 'Too big.' });
    await expect(refused).rejects.toEqual(expect.objectContaining({ code: 'MEDIA_TOO_LARGE', status: 413, message: 'Too big.' }) as unknown);
  });
});

describe('ApiClient', () => {
  it('sends the bearer token from memory, the CSRF header and credentials: include', async () => {
    const { api, client } = setup();
    api.signIn();
    client.setAccessToken(api.accessToken);
    const user = await createEndpoints(client).profile();
    expect(user.email).toBe('creator@example.com');
    const [req] = api.requests('GET', '/api/user/profile');
    expect(req?.headers.authorization).toBe(`Bearer ${api.accessToken ?? ''}`);
    expect(req?.headers['x-streamhub-csrf']).toBe('1');
    expect(req?.credentials).toBe('include');
    const stored = [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => s.getItem(k) ?? ''));
    expect(stored.some((v) => v.includes(api.accessToken ?? '-'))).toBe(false);
    expect(document.cookie).not.toContain(api.accessToken ?? '-');
  });

  it('on 401 refreshes once and retries the same request with the new token', async () => {
    const { api, client, expired } = setup();
    api.signIn();
    client.setAccessToken(api.accessToken);
    api.addDestination({ name: 'Twitch', platform: 'twitch', key: 'live_123456789_abcd' });
    api.expireAccessToken();
    const list = await createEndpoints(client).listDestinations();
    expect(list.map((d) => d.name)).toEqual(['Twitch']);
    const calls = api.log.map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(['GET /api/destinations', 'POST /api/auth/refresh', 'GET /api/destinations']);
    expect(api.log[2]?.headers.authorization).toBe(`Bearer ${api.accessToken ?? ''}`);
    expect(expired.n).toBe(0);
  });

  it('shares one refresh between concurrent 401s', async () => {
    const { api, client } = setup();
    api.signIn();
    client.setAccessToken(api.accessToken);
    api.expireAccessToken();
    const e = createEndpoints(client);
    await Promise.all([e.profile(), e.listDestinations(), e.pastSessions()]);
    expect(api.refreshCount).toBe(1);
  });

  it('when the refresh fails, reports the session as expired and throws the API error', async () => {
    const { api, client, expired } = setup();
    api.signIn();
    client.setAccessToken(api.accessToken);
    api.expireAccessToken();
    api.refreshValid = false;
    const failure = await createEndpoints(client).profile().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('AUTH_UNAUTHENTICATED');
    expect(expired.n).toBe(1);
    expect(api.requests('GET', '/api/user/profile')).toHaveLength(1);
  });

  it('surfaces { code, message } from the error body', async () => {
    const { api, client } = setup();
    api.signIn();
    client.setAccessToken(api.accessToken);
    const ids = [api.addDestination({ name: 'A', key: 'aaaa1111' }), api.addDestination({ name: 'B', key: 'bbbb2222' }), api.addDestination({ name: 'C', key: 'cccc3333' })];
    const failure = await createEndpoints(client).startStream({ destinations: ids }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'PLAN_DESTINATION_LIMIT', status: 403 });
  });

  it('turns a network failure and a malformed body into typed errors', async () => {
    const offline = new ApiClient({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(createEndpoints(offline).profile()).rejects.toMatchObject({ code: 'HTTP_NETWORK' });
    const weird = new ApiClient({ fetch: () => Promise.resolve(new Response(JSON.stringify({ id: 1 }), { status: 200 })) });
    await expect(createEndpoints(weird).profile()).rejects.toMatchObject({ code: 'HTTP_BAD_RESPONSE' });
    const html = new ApiClient({ fetch: () => Promise.resolve(new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' })) });
    await expect(createEndpoints(html).profile()).rejects.toMatchObject({ code: 'HTTP_INTERNAL', status: 502 });
  });

  it('never renders a raw stream key: destinations come out masked', async () => {
    const { api, client } = setup();
    api.signIn();
    client.setAccessToken(api.accessToken);
    api.addDestination({ name: 'YT', platform: 'youtube', key: 'abcd-efgh-ijkl-9876' });
    const [d] = await createEndpoints(client).listDestinations();
    expect(d?.maskedKey).toBe('****9876');
    expect(JSON.stringify(d)).not.toContain('abcd-efgh');
  });
});

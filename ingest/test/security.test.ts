import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, signUp, type SignedInUser, type TestApp } from './test-app.ts';

const studio = 'http://localhost:5173';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ STUDIO_ORIGIN: studio, RATE_LIMIT_AUTH_PER_MINUTE: '3', RATE_LIMIT_STREAM_START_PER_MINUTE: '2' });
});
afterAll(async () => { await t.close(); });

describe('http security', () => {
  it('sends a CSP the studio works under', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:8080 https://127.0.0.1:4433");
    expect(csp).toContain("img-src 'self' blob: data:");
    expect(csp).toContain("media-src 'self' blob: data:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('allows CORS for the studio origin only, with credentials', async () => {
    const preflight = (origin: string) => t.app.inject({
      method: 'OPTIONS', url: '/api/auth/refresh',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-streamhub-csrf' },
    });
    const ok = await preflight(studio);
    expect(ok.headers['access-control-allow-origin']).toBe(studio);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect(String(ok.headers['access-control-allow-headers'])).toContain('x-streamhub-csrf');
    const evil = await preflight('https://evil.example');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('accepts the studio origin on cookie routes (CSRF origin check)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { origin: studio, 'x-streamhub-csrf': '1' } });
    expect(res.statusCode).toBe(204);
  });

  it('serves the OpenAPI document and its UI at /api/docs', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(doc.statusCode).toBe(200);
    const paths = Object.keys(doc.json<{ paths: object }>().paths);
    expect(paths).toEqual(expect.arrayContaining([
      '/api/auth/register', '/api/auth/login', '/api/auth/refresh', '/api/auth/logout', '/api/auth/sessions', '/api/auth/sessions/{id}',
      '/api/user/profile', '/api/destinations', '/api/destinations/{id}', '/api/stream/start', '/api/stream/stop', '/api/stream/status', '/api/stream/sessions',
    ]));
    const ui = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('rate-limits auth routes per client with 429 AUTH_RATE_LIMITED', async () => {
    const attempt = () => t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.9.9', payload: { email: 'a@example.test', password: 'x' } });
    const codes = [];
    for (let i = 0; i < 4; i += 1) codes.push((await attempt()).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
    const limited = await attempt();
    expect(limited.json()).toMatchObject({ code: 'AUTH_RATE_LIMITED' });
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('rate-limits stream starts per user with 429 STREAM_RATE_LIMITED', async () => {
    const user = await signUp(t.app, 'starter');
    const codes = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await t.app.inject({ method: 'POST', url: '/api/stream/start', headers: user.auth, payload: { destinations: [user.id] } });
      codes.push(res.json<{ code: string }>().code);
    }
    expect(codes).toEqual(['DESTINATION_NOT_FOUND', 'DESTINATION_NOT_FOUND', 'STREAM_RATE_LIMITED']);
  });

  it('answers an unsupported content type and an oversized body with { code, message }', async () => {
    const xml = await t.app.inject({ method: 'POST', url: '/api/auth/register', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(xml.statusCode).toBe(415);
    expect(Object.keys(xml.json<object>()).sort()).toEqual(['code', 'message']);
    const big = await t.app.inject({ method: 'POST', url: '/api/auth/register', headers: { 'content-type': 'application/json' }, payload: `"${'x'.repeat(1_100_000)}"` });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'HTTP_BAD_REQUEST' });
  });
});

describe('rate limits on every limited route', () => {
  let user: SignedInUser;
  beforeAll(async () => { user = await signUp(t.app, 'limited'); });

  const csrf = { 'x-streamhub-csrf': '1' };
  /** [route, limit per minute (from beforeAll above), status under the limit, limited code, one request from a client address]. */
  const routes: [string, number, number, string, (remoteAddress: string) => Promise<LightMyRequestResponse>][] = [
    ['POST /api/auth/login', 3, 401, 'AUTH_RATE_LIMITED', (remoteAddress) => t.app.inject({
      method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email: user.email, password: 'Wrong-password-1' },
    })],
    ['POST /api/auth/register', 3, 409, 'AUTH_RATE_LIMITED', (remoteAddress) => t.app.inject({
      method: 'POST', url: '/api/auth/register', remoteAddress, payload: { email: user.email, password: 'Sufficient-pass-42' },
    })],
    ['POST /api/auth/refresh', 3, 401, 'AUTH_RATE_LIMITED', (remoteAddress) => t.app.inject({
      method: 'POST', url: '/api/auth/refresh', remoteAddress, headers: csrf,
    })],
    ['POST /api/auth/logout', 3, 204, 'AUTH_RATE_LIMITED', (remoteAddress) => t.app.inject({
      method: 'POST', url: '/api/auth/logout', remoteAddress, headers: csrf,
    })],
    // Keyed by the user, not the address.
    ['POST /api/stream/start', 2, 404, 'STREAM_RATE_LIMITED', (remoteAddress) => t.app.inject({
      method: 'POST', url: '/api/stream/start', remoteAddress, headers: user.auth, payload: { destinations: [user.id] },
    })],
  ];

  it.each(routes.map((row, i) => [...row, `10.8.0.${i + 1}`] as const))(
    '%s: after %i requests (%i) → 429 %s with Retry-After',
    async (_route, limit, underLimit, code, send, remoteAddress) => {
      for (let i = 0; i < limit; i += 1) expect((await send(remoteAddress)).statusCode).toBe(underLimit);
      const limited = await send(remoteAddress);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({ code, message: expect.any(String) as unknown });
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
    },
  );
});

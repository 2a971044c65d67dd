import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/test-app.ts';
import { ConfigError, loadConfig } from './config/config.ts';

describe('app', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(async () => { await t.close(); });

  it('answers the health route', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok' });
  });

  it('answers an unknown API route with a registry error body', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/no-such-route' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ code: 'HTTP_NOT_FOUND', message: 'Route GET /api/no-such-route not found' });
  });
});

describe('config', () => {
  it('rejects a bad port with a readable message', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
  it('applies defaults', () => {
    expect(loadConfig({})).toMatchObject({ HOST: '127.0.0.1', PORT: 8080 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp } from '../../../test/test-app.ts';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

describe('profile', () => {
  it('reads and patches the signed-in user’s own profile only', async () => {
    const me = await signUp(t.app, 'me');
    const other = await signUp(t.app, 'other');
    const patched = await t.app.inject({ method: 'PATCH', url: '/api/user/profile', headers: me.auth, payload: { displayName: '  Ada  ' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ id: me.id, displayName: 'Ada' });
    const theirs = await t.app.inject({ method: 'GET', url: '/api/user/profile', headers: other.auth });
    expect(theirs.json()).toMatchObject({ id: other.id, displayName: null });
    const cleared = await t.app.inject({ method: 'PATCH', url: '/api/user/profile', headers: me.auth, payload: { displayName: null } });
    expect(cleared.json()).toMatchObject({ displayName: null });
  });

  it('refuses unknown fields (plan, email) and wrong types, and anonymous calls', async () => {
    const me = await signUp(t.app);
    for (const payload of [{ plan: 'business' }, { email: 'x@example.test' }, { displayName: 5 }]) {
      const res = await t.app.inject({ method: 'PATCH', url: '/api/user/profile', headers: me.auth, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'HTTP_BAD_REQUEST' });
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/user/profile', headers: me.auth })).json()).toMatchObject({ plan: 'free' });
    expect((await t.app.inject({ method: 'PATCH', url: '/api/user/profile', payload: {} })).statusCode).toBe(401);
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp } from '../../../test/test-app.ts';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const csrf = { 'x-streamhub-csrf': '1' };
const refresh = (cookie: string, headers: Record<string, string> = csrf) =>
  t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers, cookies: { shp_refresh: cookie } });

describe('register', () => {
  it('creates an account and refuses a second one with the same email (any case)', async () => {
    const payload = { email: 'Dup@Example.test', password: 'Sufficient-pass-42' };
    const first = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ email: 'dup@example.test', plan: 'free' });
    expect(first.body).not.toContain('Sufficient-pass-42');
    const again = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { ...payload, email: 'dup@example.TEST' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ code: 'AUTH_EMAIL_TAKEN', message: expect.any(String) as unknown });
  });

  it.each([
    ['short', 'Ab1'],
    ['no digit', 'abcdefghijklmnop'],
    ['no letter', '12345678901234'],
    ['contains the email name', 'weakling-name-123'],
  ])('rejects a weak password (%s) with 400', async (_label, password) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'weakling-name@example.test', password } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HTTP_BAD_REQUEST', message: expect.stringMatching(/password/i) as unknown });
  });

  it('rejects bad JSON, unknown fields and wrong types with 400 and no stack', async () => {
    const badJson = await t.app.inject({ method: 'POST', url: '/api/auth/register', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'x@example.test', password: 'Good-password-1', admin: true } });
    const wrongType = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 42, password: ['x'] } });
    for (const res of [badJson, unknown, wrongType]) {
      expect(res.statusCode).toBe(400);
      expect(Object.keys(res.json<object>()).sort()).toEqual(['code', 'message']);
      expect(res.body).not.toMatch(/\bat \S+ \(|stack|node_modules/);
    }
    expect(badJson.json()).toEqual({ code: 'HTTP_BAD_REQUEST', message: 'The request body is not valid JSON.' });
    expect(unknown.json<{ message: string }>().message).toMatch(/admin/);
    expect(wrongType.json<{ message: string }>().message).toMatch(/body\.email/);
  });
});

describe('login', () => {
  it('answers the same generic error for an unknown email and a wrong password', async () => {
    const user = await signUp(t.app);
    const wrongPassword = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: 'Not-the-password-1' } });
    const unknownEmail = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.test', password: user.password } });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(wrongPassword.body).toBe(unknownEmail.body);
    expect(wrongPassword.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
  });

  it('answers an access token and sets the refresh cookie httpOnly, Secure, SameSite=Strict on /api/auth', async () => {
    const user = await signUp(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email.toUpperCase(), password: user.password } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accessToken: expect.any(String) as unknown, tokenType: 'Bearer', expiresIn: 900, user: { email: user.email } });
    const cookie = res.cookies.find((c) => c.name === 'shp_refresh');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/auth' });
    expect(res.body).not.toContain(cookie?.value);
  });

  it('access tokens are HS256-pinned: alg "none", a foreign key and an ingest token are all refused', async () => {
    const user = await signUp(t.app);
    const [header, payload] = user.accessToken.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload ?? ''}.`;
    const forged = `${header ?? ''}.${payload ?? ''}.${Buffer.alloc(32).toString('base64url')}`;
    const ingest = t.app.jwt.ingest.sign({ sub: user.id, sid: user.id, jti: user.id, typ: 'ingest' });
    for (const token of [none, forged, ingest, 'garbage']) {
      const res = await t.app.inject({ method: 'GET', url: '/api/user/profile', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'AUTH_UNAUTHENTICATED' });
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/user/profile' })).statusCode).toBe(401);
  });

  it('access tokens live 15 minutes, ingest tokens 60 seconds', async () => {
    const user = await signUp(t.app);
    const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { iat: number; exp: number };
    const access = claims(user.accessToken);
    expect(access.exp - access.iat).toBe(900);
    const ingest = claims(t.app.jwt.ingest.sign({ sub: user.id, sid: user.id, jti: user.id, typ: 'ingest' }));
    expect(ingest.exp - ingest.iat).toBe(60);
  });
});

describe('refresh', () => {
  it('rotates the refresh token; reusing the old one revokes the whole family', async () => {
    const user = await signUp(t.app);
    const first = await refresh(user.refreshCookie);
    expect(first.statusCode, first.body).toBe(200);
    const second = first.cookies.find((c) => c.name === 'shp_refresh')?.value ?? '';
    expect(second).not.toBe(user.refreshCookie);
    expect(first.json()).toMatchObject({ accessToken: expect.any(String) as unknown });

    const reuse = await refresh(user.refreshCookie);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json()).toMatchObject({ code: 'AUTH_REFRESH_REUSED' });
    // The legitimate successor is dead too: the family was revoked.
    const successor = await refresh(second);
    expect(successor.statusCode).toBe(401);
    expect(successor.json()).toMatchObject({ code: 'AUTH_REFRESH_INVALID' });
  });

  it('requires the CSRF header and refuses a foreign Origin', async () => {
    const user = await signUp(t.app);
    const noHeader = await refresh(user.refreshCookie, {});
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json()).toMatchObject({ code: 'AUTH_CSRF' });
    const foreign = await refresh(user.refreshCookie, { ...csrf, origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', cookies: { shp_refresh: user.refreshCookie } });
    expect(logout.statusCode).toBe(403);
    // None of the refused calls consumed the token.
    expect((await refresh(user.refreshCookie)).statusCode).toBe(200);
  });

  it('stores the refresh token only as its SHA-256 and the password only as an argon2id hash', async () => {
    const user = await signUp(t.app);
    const sql = t.app.orm.em.fork().getConnection();
    const tokens = await sql.execute<Record<string, unknown>[]>('select * from refresh_tokens where user_id = ?', [user.id]);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.token_hash).toBe(createHash('sha256').update(user.refreshCookie).digest('hex'));
    expect(JSON.stringify(tokens)).not.toContain(user.refreshCookie);
    const users = await sql.execute<Record<string, unknown>[]>('select * from users where id = ?', [user.id]);
    expect(String(users[0]?.password_hash)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(users)).not.toContain(user.password);
  });

  it('takes no body fields: unknown ones are refused with 400 on refresh and logout', async () => {
    const user = await signUp(t.app);
    for (const url of ['/api/auth/refresh', '/api/auth/logout']) {
      const res = await t.app.inject({ method: 'POST', url, headers: csrf, cookies: { shp_refresh: user.refreshCookie }, payload: { userId: user.id } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toEqual({ code: 'HTTP_BAD_REQUEST', message: expect.stringMatching(/userId/) as unknown });
    }
    // Neither refused call touched the token.
    expect((await refresh(user.refreshCookie)).statusCode).toBe(200);
  });

  it('refuses a missing or unknown cookie', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: csrf })).json()).toMatchObject({ code: 'AUTH_REFRESH_INVALID' });
    expect((await refresh('not-a-token')).statusCode).toBe(401);
  });
});

describe('logout and sessions', () => {
  it('logout revokes the refresh token and clears the cookie', async () => {
    const user = await signUp(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: csrf, cookies: { shp_refresh: user.refreshCookie } });
    expect(res.statusCode).toBe(204);
    expect(res.cookies.find((c) => c.name === 'shp_refresh')?.value).toBe('');
    expect((await refresh(user.refreshCookie)).statusCode).toBe(401);
  });

  it('lists one session per device and revokes another device', async () => {
    const user = await signUp(t.app);
    const phone = await t.app.inject({
      method: 'POST', url: '/api/auth/login', headers: { 'user-agent': 'PhoneBrowser/1.0' },
      payload: { email: user.email, password: user.password, deviceLabel: 'Phone' },
    });
    const phoneCookie = phone.cookies.find((c) => c.name === 'shp_refresh')?.value ?? '';
    await refresh(user.refreshCookie); // rotation keeps one entry per device
    const list = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: user.auth });
    expect(list.statusCode).toBe(200);
    const { sessions } = list.json<{ sessions: { id: string; deviceLabel: string | null; userAgent: string | null; current: boolean }[] }>();
    expect(sessions).toHaveLength(2);
    const phoneSession = sessions.find((s) => s.deviceLabel === 'Phone');
    expect(phoneSession).toMatchObject({ userAgent: 'PhoneBrowser/1.0', current: false });
    expect(sessions.filter((s) => s.current)).toHaveLength(1);

    const other = await signUp(t.app, 'other');
    const foreign = await t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${phoneSession?.id ?? ''}`, headers: other.auth });
    expect(foreign.statusCode).toBe(404);
    expect((await refresh(phoneCookie)).statusCode).toBe(200);

    const revoke = await t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${phoneSession?.id ?? ''}`, headers: user.auth });
    expect(revoke.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: user.auth });
    expect(after.json<{ sessions: unknown[] }>().sessions).toHaveLength(1);
  });
});

describe('revocation reaches access tokens at once', () => {
  const profile = (accessToken: string) => t.app.inject({ method: 'GET', url: '/api/user/profile', headers: { authorization: `Bearer ${accessToken}` } });
  const expectRevoked = async (accessToken: string): Promise<void> => {
    const res = await profile(accessToken);
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json()).toMatchObject({ code: 'AUTH_SESSION_REVOKED' });
  };
  const login = async (email: string, password: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    return { accessToken: res.json<{ accessToken: string }>().accessToken, cookie: res.cookies.find((c) => c.name === 'shp_refresh')?.value ?? '' };
  };

  it('logout: the access token of that sign-in is refused, another sign-in keeps working', async () => {
    const user = await signUp(t.app);
    const other = await login(user.email, user.password);
    expect((await profile(user.accessToken)).statusCode).toBe(200);
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: csrf, cookies: { shp_refresh: user.refreshCookie } });
    await expectRevoked(user.accessToken);
    expect((await profile(other.accessToken)).statusCode).toBe(200);
  });

  it('revoking device B from device A refuses B’s access token at once', async () => {
    const user = await signUp(t.app);
    const deviceB = await login(user.email, user.password);
    const sessions = (await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: user.auth })).json<{ sessions: { id: string; current: boolean }[] }>().sessions;
    const b = sessions.find((s) => !s.current);
    expect((await profile(deviceB.accessToken)).statusCode).toBe(200);
    const revoke = await t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${b?.id ?? ''}`, headers: user.auth });
    expect(revoke.statusCode).toBe(204);
    await expectRevoked(deviceB.accessToken);
    expect((await profile(user.accessToken)).statusCode).toBe(200);
  });

  it('refresh-token reuse: every access token of the revoked family is refused', async () => {
    const user = await signUp(t.app);
    const rotated = await refresh(user.refreshCookie);
    const newer = rotated.json<{ accessToken: string }>().accessToken;
    expect((await profile(newer)).statusCode).toBe(200);
    expect((await refresh(user.refreshCookie)).json()).toMatchObject({ code: 'AUTH_REFRESH_REUSED' });
    await expectRevoked(user.accessToken);
    await expectRevoked(newer);
  });
});

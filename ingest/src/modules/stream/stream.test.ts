import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionStatus } from '@streamhub/shared/relay-status';
import type { RelayControl } from '../../live/contracts.ts';
import { createTestApp, setPlan, signUp, type SignedInUser, type TestApp } from '../../../test/test-app.ts';

let t: TestApp;
const stopped: string[] = [];
const relay: RelayControl = {
  status: (sessionId) => (sessionId === liveSessionId ? liveStatus(sessionId) : undefined),
  stopSession: async (sessionId) => { stopped.push(sessionId); },
};
let liveSessionId = '';
/** What the fake relay reports for the live session's destinations. */
let liveDestinations: SessionStatus['destinations'] = [];
const liveStatus = (sessionId: string): SessionStatus => ({
  sessionId, state: 'live', startedAtMs: 1, warnings: [], destinations: liveDestinations,
  input: { bitrateKbps: 4000, fps: 30, keyframeIntervalSeconds: 2, framesReceived: 300, bytesReceived: 5_000_000, audioSampleRate: 48000 },
});
const rawKey = 'sk_live_TOPSECRET_9Zz1';

beforeAll(async () => { t = await createTestApp({ LOG_LEVEL: 'trace' }, { relay }); });
afterAll(async () => { await t.close(); });

async function destination(user: SignedInUser, extra: object = {}): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/destinations', headers: user.auth, payload: { name: 'Twitch', platform: 'twitch', streamKey: rawKey, ...extra } });
  return res.json<{ id: string }>().id;
}
const start = (user: SignedInUser, payload: object) => t.app.inject({ method: 'POST', url: '/api/stream/start', headers: user.auth, payload });
const stop = (user: SignedInUser, sessionId: string) => t.app.inject({ method: 'POST', url: '/api/stream/stop', headers: user.auth, payload: { sessionId } });

interface Started { sessionId: string; ingest: { token: string; websocketUrl: string; webtransportUrl: string; certificateHashes: unknown[] } }

describe('stream sessions', () => {
  it('starts: session id, endpoints and a single-use ingest token the authority turns into a grant', async () => {
    const user = await signUp(t.app);
    const dest = await destination(user, { title: 'Hello' });
    const res = await start(user, { destinations: [dest] });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<Started>();
    expect(body).toMatchObject({
      resolution: '720p', record: false, videoBitrateKbps: 4500,
      ingest: { websocketUrl: 'ws://127.0.0.1:8080/api/ingest/ws', webtransportUrl: 'https://127.0.0.1:4433/ingest', certificateHashes: [] },
    });
    expect(res.body).not.toContain('TOPSECRET');

    const first = await t.app.ingestAuthority.consume(body.ingest.token);
    expect(first).toMatchObject({
      ok: true,
      grant: {
        sessionId: body.sessionId, userId: user.id, record: false, maxVideoBitrateKbps: 4500,
        destinations: [{ id: dest, platform: 'twitch', url: `rtmp://live.twitch.tv/app/${rawKey}`, redactedUrl: 'rtmp://live.twitch.tv/app/****9Zz1' }],
      },
    });
    expect(await t.app.ingestAuthority.consume(body.ingest.token)).toMatchObject({ ok: false, code: 'AUTH_TOKEN_REUSED' });
    const status = await t.app.inject({ method: 'GET', url: '/api/stream/status', headers: user.auth });
    expect(status.json()).toMatchObject({ session: { id: body.sessionId, status: 'live' } });
  });

  it('refuses forged, foreign-kind and expired ingest tokens', async () => {
    const user = await signUp(t.app);
    expect(await t.app.ingestAuthority.consume('nope')).toMatchObject({ ok: false, code: 'AUTH_TOKEN_INVALID' });
    const access = t.app.jwt.access.sign({ sub: user.id, sid: user.id, typ: 'access' });
    expect(await t.app.ingestAuthority.consume(access)).toMatchObject({ ok: false, code: 'AUTH_TOKEN_INVALID' });
    // Signed as if two minutes ago: its 60 s lifetime is over.
    const expired = t.app.jwt.ingest.sign({ sub: user.id, sid: user.id, jti: user.id, typ: 'ingest', iat: Math.floor(Date.now() / 1000) - 120 });
    expect(await t.app.ingestAuthority.consume(expired)).toMatchObject({ ok: false, code: 'AUTH_TOKEN_EXPIRED' });
    // Valid signature but no such session/jti.
    const stray = t.app.jwt.ingest.sign({ sub: user.id, sid: user.id, jti: user.id, typ: 'ingest' });
    expect(await t.app.ingestAuthority.consume(stray)).toMatchObject({ ok: false, code: 'AUTH_TOKEN_INVALID' });
  });

  it('status reports waiting before a publisher connects, then the relay’s live status; stop ends it', async () => {
    const user = await signUp(t.app);
    const { sessionId } = (await start(user, { destinations: [await destination(user)] })).json<Started>();
    const waiting = await t.app.inject({ method: 'GET', url: `/api/stream/status?sessionId=${sessionId}`, headers: user.auth });
    expect(waiting.json()).toMatchObject({ session: { id: sessionId, status: 'starting' }, live: { state: 'waiting', destinations: [{ status: { state: 'connecting' }, redactedUrl: 'rtmp://live.twitch.tv/app/****9Zz1' }] } });
    liveSessionId = sessionId;
    const live = await t.app.inject({ method: 'GET', url: '/api/stream/status', headers: user.auth });
    expect(live.json()).toMatchObject({ live: { state: 'live', input: { fps: 30 } } });
    const res = await stop(user, sessionId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: sessionId, status: 'ended', outcome: 'stopped', destinations: [{ outcome: 'stopped' }] });
    expect(stopped).toContain(sessionId);
    expect((await stop(user, sessionId)).statusCode).toBe(200); // idempotent
    const after = await t.app.inject({ method: 'GET', url: '/api/stream/status', headers: user.auth });
    expect(after.json()).toEqual({ session: null, live: null, transport: null });
  });

  it('history lists sessions newest first with durations and outcomes', async () => {
    const user = await signUp(t.app);
    await setPlan(t.app, user.id, 'pro');
    const dest = await destination(user);
    const a = (await start(user, { destinations: [dest] })).json<Started>();
    await t.app.ingestAuthority.consume(a.ingest.token);
    await stop(user, a.sessionId);
    const b = (await start(user, { destinations: [dest], resolution: '1080p' })).json<Started>();
    const res = await t.app.inject({ method: 'GET', url: '/api/stream/sessions?limit=10', headers: user.auth });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ total: number; sessions: { id: string; durationSeconds: number | null; outcome: string | null; resolution: string }[] }>();
    expect(body.total).toBe(2);
    expect(body.sessions.map((s) => s.id)).toEqual([b.sessionId, a.sessionId]);
    expect(body.sessions[1]).toMatchObject({ outcome: 'stopped', durationSeconds: expect.any(Number) as unknown });
    expect(body.sessions[0]).toMatchObject({ outcome: null, durationSeconds: null, resolution: '1080p' });
    // The duration runs from the publisher's connection (startedAt) to the end, in whole seconds.
    await t.app.orm.em.fork().getConnection().execute(`update stream_sessions set started_at = ended_at - interval '90.4 seconds' where id = ?`, [a.sessionId]);
    const page = await t.app.inject({ method: 'GET', url: '/api/stream/sessions?limit=1&offset=1', headers: user.auth });
    expect(page.json()).toMatchObject({ total: 2, sessions: [{ id: a.sessionId, outcome: 'stopped', durationSeconds: 90 }] });
    expect(page.json<{ sessions: unknown[] }>().sessions).toHaveLength(1);
    expect((await t.app.inject({ method: 'GET', url: '/api/stream/sessions?limit=0', headers: user.auth })).statusCode).toBe(400);
  });

  it('another user can neither stop nor read my session, nor start with my destination', async () => {
    const owner = await signUp(t.app, 'owner');
    const stranger = await signUp(t.app, 'stranger');
    const dest = await destination(owner);
    const { sessionId } = (await start(owner, { destinations: [dest] })).json<Started>();
    expect((await stop(stranger, sessionId)).json()).toMatchObject({ code: 'STREAM_SESSION_NOT_FOUND' });
    const status = await t.app.inject({ method: 'GET', url: `/api/stream/status?sessionId=${sessionId}`, headers: stranger.auth });
    expect(status.statusCode).toBe(404);
    const history = await t.app.inject({ method: 'GET', url: '/api/stream/sessions', headers: stranger.auth });
    expect(history.json()).toEqual({ sessions: [], total: 0 });
    const hijack = await start(stranger, { destinations: [dest] });
    expect(hijack.statusCode).toBe(404);
    expect(hijack.json()).toMatchObject({ code: 'DESTINATION_NOT_FOUND' });
    const mine = await t.app.inject({ method: 'GET', url: '/api/stream/status', headers: owner.auth });
    expect(mine.json()).toMatchObject({ session: { id: sessionId, status: 'starting' } });
  });

  it('refuses a disabled destination and validates the body', async () => {
    const user = await signUp(t.app);
    const dest = await destination(user, { enabled: false });
    expect((await start(user, { destinations: [dest] })).json()).toMatchObject({ code: 'STREAM_DESTINATION_DISABLED' });
    expect((await start(user, { destinations: [] })).statusCode).toBe(400);
    expect((await start(user, { destinations: ['x'] })).statusCode).toBe(400);
    expect((await start(user, { destinations: [dest], resolution: '4k' })).statusCode).toBe(400);
    expect((await start(user, { destinations: [dest], extra: 1 })).statusCode).toBe(400);
  });
});

describe('stop keeps each destination’s real result', () => {
  it('records the relay’s last state per destination (a retrying one keeps its error and counters)', async () => {
    const user = await signUp(t.app);
    const [a, b] = [await destination(user), await destination(user, { name: 'Second' })];
    const { sessionId } = (await start(user, { destinations: [a, b] })).json<Started>();
    const figures = { bitrateKbps: 0, fps: 0, framesDropped: 0, uptimeMs: 0, platform: 'twitch', redactedUrl: 'rtmp://live.twitch.tv/app/****9Zz1' };
    liveDestinations = [
      { ...figures, id: a, name: 'Twitch', status: { state: 'live', sinceMs: 1 }, framesSent: 600, bytesSent: 9_000_000, reconnects: 0 },
      { ...figures, id: b, name: 'Second', status: { state: 'retrying', retryInMs: 2000, attempt: 3, lastError: 'The destination refused the connection.' }, framesSent: 0, bytesSent: 0, reconnects: 3 },
    ];
    liveSessionId = sessionId;
    try {
      const res = await stop(user, sessionId);
      expect(res.json()).toMatchObject({ outcome: 'stopped', destinations: [
        { destinationId: a, outcome: 'completed', lastError: null, framesSent: 600, bytesSent: 9_000_000 },
        { destinationId: b, outcome: 'retrying', lastError: 'The destination refused the connection.', reconnects: 3 },
      ] });
    } finally {
      liveDestinations = [];
      liveSessionId = '';
    }
  });
});

describe('session recorder (relay → history)', () => {
  it('stores stats samples and the end with per-destination results', async () => {
    const user = await signUp(t.app);
    const dest = await destination(user);
    const started = (await start(user, { destinations: [dest] })).json<Started>();
    await t.app.ingestAuthority.consume(started.ingest.token);
    const status: SessionStatus = {
      ...liveStatus(started.sessionId),
      destinations: [{
        id: dest, name: 'Twitch', platform: 'twitch', redactedUrl: 'rtmp://live.twitch.tv/app/****9Zz1',
        status: { state: 'failed', reason: 'RELAY_RTMP_REJECTED: publish refused' },
        bitrateKbps: 3900, fps: 30, framesSent: 900, framesDropped: 3, bytesSent: 15_000_000, reconnects: 2, uptimeMs: 30_000,
      }],
    };
    await t.app.streamSessions.sample(status);
    await t.app.streamSessions.sample(status);
    await t.app.streamSessions.ended(started.sessionId, 'disconnected', status.destinations);
    const samples = await t.app.orm.em.fork().getConnection().execute<{ n: string }[]>('select count(*) as n from stream_stats_samples where session_id = ?', [started.sessionId]);
    expect(Number(samples[0]?.n)).toBe(2);
    const history = await t.app.inject({ method: 'GET', url: '/api/stream/sessions', headers: user.auth });
    expect(history.json()).toMatchObject({ sessions: [{
      id: started.sessionId, status: 'ended', outcome: 'disconnected',
      destinations: [{ destinationId: dest, outcome: 'failed', bytesSent: 15_000_000, framesSent: 900, framesDropped: 3, reconnects: 2 }],
    }] });
    // A stop after the relay ended it changes nothing.
    expect((await stop(user, started.sessionId)).json()).toMatchObject({ outcome: 'disconnected' });
  });
});

describe('plan limits', () => {
  it.each([
    ['PLAN_DESTINATION_LIMIT', { count: 3 }],
    ['PLAN_RESOLUTION_LIMIT', { resolution: '1080p' }],
    ['PLAN_BITRATE_LIMIT', { videoBitrateKbps: 8000 }],
    ['PLAN_RECORDING_UNAVAILABLE', { record: true }],
  ] as const)('free plan: %s → 403', async (code, over) => {
    const user = await signUp(t.app);
    const ids = [];
    for (let i = 0; i < ('count' in over ? over.count : 1); i += 1) ids.push(await destination(user));
    const { count: _count, ...rest } = { count: 0, ...over };
    const res = await start(user, { destinations: ids, ...rest });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code });
  });

  it('limits concurrent sessions; an unclaimed session stops counting once its token expired', async () => {
    const user = await signUp(t.app);
    const dest = await destination(user);
    expect((await start(user, { destinations: [dest] })).statusCode).toBe(201);
    const second = await start(user, { destinations: [dest] });
    expect(second.statusCode).toBe(403);
    expect(second.json()).toMatchObject({ code: 'PLAN_CONCURRENT_SESSIONS' });
    await t.app.orm.em.fork().getConnection().execute(
      `update stream_sessions set ingest_token_expires_at = now() - interval '1 second' where user_id = ?`, [user.id],
    );
    expect((await start(user, { destinations: [dest] })).statusCode).toBe(201);
    const history = await t.app.inject({ method: 'GET', url: '/api/stream/sessions', headers: user.auth });
    expect(history.json<{ sessions: { outcome: string | null }[] }>().sessions.map((s) => s.outcome)).toEqual([null, 'expired']);
  });

  it('business plan: 1080p, recording and 10 destinations are allowed', async () => {
    const user = await signUp(t.app);
    await setPlan(t.app, user.id, 'business');
    const ids = [];
    for (let i = 0; i < 10; i += 1) ids.push(await destination(user));
    const res = await start(user, { destinations: ids, resolution: '1080p', record: true, videoBitrateKbps: 9000 });
    expect(res.statusCode, res.body).toBe(201);
    const grant = await t.app.ingestAuthority.consume(res.json<Started>().ingest.token);
    expect(grant.ok && grant.grant.destinations).toHaveLength(10);
  });

  it('never returns or logs a stream key (every response and log line of this file)', () => {
    expect(t.responses.join('\n')).not.toContain('TOPSECRET');
    expect(t.logs.join('\n')).not.toContain('TOPSECRET');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionStatus } from '@streamhub/shared/relay-status';
import { connectWebSocketPublisher } from '../../cli/websocket-publisher.ts';
import { createTestApp, signUp, type SignedInUser, type TestApp } from '../../../test/test-app.ts';

// The real relay and LiveHub; the app listens (port 0) so a real WebSocket publisher can connect.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => { await t.close(); });

interface Started { sessionId: string; ingest: { token: string; websocketUrl: string } }

async function startSession(user: SignedInUser): Promise<{ sessionId: string; destinationId: string; ingest: Started['ingest'] }> {
  // Port 9 (discard) on loopback: nothing listens, so the relay's connection is refused, never a real platform.
  const dest = await t.app.inject({ method: 'POST', url: '/api/destinations', headers: user.auth, payload: { name: 'Local', platform: 'custom', url: 'rtmp://127.0.0.1:9/live', streamKey: 'sk_detail_SECRET_4a4a' } });
  const destinationId = dest.json<{ id: string }>().id;
  const res = await t.app.inject({ method: 'POST', url: '/api/stream/start', headers: user.auth, payload: { destinations: [destinationId] } });
  expect(res.statusCode, res.body).toBe(201);
  const { sessionId, ingest } = res.json<Started>();
  return { sessionId, destinationId, ingest };
}

const status = (sessionId: string, destinationId: string, bitrateKbps: number): SessionStatus => ({
  sessionId, state: 'live', startedAtMs: 1, warnings: [],
  input: { bitrateKbps: bitrateKbps + 100, fps: 30, keyframeIntervalSeconds: 2, framesReceived: 300, bytesReceived: 5_000_000, audioSampleRate: 48000 },
  destinations: [{
    id: destinationId, name: 'Local', platform: 'custom', redactedUrl: 'rtmp://127.0.0.1:9/live/****4a4a',
    status: { state: 'failed', reason: 'The destination refused the connection.' },
    bitrateKbps, fps: 29.5, framesSent: 900, framesDropped: 4, bytesSent: 15_000_000, reconnects: 3, uptimeMs: 30_000,
  }],
});

describe('GET /api/stream/sessions/:id', () => {
  it('answers the summary with each destination’s last error and the stats history in time order', async () => {
    const user = await signUp(t.app);
    const { sessionId, destinationId, ingest } = await startSession(user);
    await t.app.ingestAuthority.consume(ingest.token);
    const t0 = Date.parse('2026-12-01T10:00:00Z');
    // Written out of order: the answer is sorted by time.
    await t.app.streamSessions.sample(status(sessionId, destinationId, 3000), new Date(t0 + 10_000));
    await t.app.streamSessions.sample(status(sessionId, destinationId, 2000), new Date(t0));
    await t.app.streamSessions.sample(status(sessionId, destinationId, 2500), new Date(t0 + 5_000));
    await t.app.streamSessions.ended(sessionId, 'failed', status(sessionId, destinationId, 0).destinations);

    const res = await t.app.inject({ method: 'GET', url: `/api/stream/sessions/${sessionId}`, headers: user.auth });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      session: { id: sessionId, status: 'ended', outcome: 'failed', destinations: [{ destinationId, outcome: 'failed', lastError: 'The destination refused the connection.', reconnects: 3 }] },
      samples: [2000, 2500, 3000].map((kbps, i) => ({
        at: new Date(t0 + i * 5_000).toISOString(), inputBitrateKbps: kbps + 100, inputFps: 30,
        destinations: { [destinationId]: { bitrateKbps: kbps, fps: 29.5, framesDropped: 4 } },
      })),
    });
    expect(res.body).not.toContain('SECRET');
  });

  it('is 404 for another user’s session and for an unknown id', async () => {
    const owner = await signUp(t.app);
    const stranger = await signUp(t.app);
    const { sessionId } = await startSession(owner);
    for (const id of [sessionId, '00000000-0000-4000-8000-000000000000']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/stream/sessions/${id}`, headers: stranger.auth });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'STREAM_SESSION_NOT_FOUND' });
    }
  });
});

describe('GET /api/stream/status transport', () => {
  it('names the transport of the connected publisher, and null once it is gone', async () => {
    const user = await signUp(t.app);
    const { sessionId, ingest } = await startSession(user);
    const get = async (): Promise<unknown> =>
      (await t.app.inject({ method: 'GET', url: `/api/stream/status?sessionId=${sessionId}`, headers: user.auth })).json();
    expect(await get()).toMatchObject({ transport: null });

    const publisher = await connectWebSocketPublisher(new URL(ingest.websocketUrl), ingest.token, {});
    try {
      await expect.poll(get, { timeout: 20_000 }).toMatchObject({ transport: 'websocket', session: { status: 'live' } });
    } finally {
      await publisher.goodbye('test over', 10_000);
    }
    await expect.poll(get, { timeout: 20_000 }).toMatchObject({ transport: null });
  });
});

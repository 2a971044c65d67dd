/**
 * End to end through the running product (issues 4 + 5), real everything: the app on PostgreSQL
 * listening on HTTP and UDP (ports 0), the API (register, destination, start, status, history),
 * the publisher CLI as a separate process over WebTransport (pinned by the hash from the start
 * response) or WebSocket, the LiveHub, the relay, and FFmpeg in RTMP listen mode as the platform.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartStreamResponse, StreamSessionSummary } from '@streamhub/shared/api/stream';
import { makeFixture } from '../fixtures/make-fixture.ts';
import { freePort, probe, startRtmpListener, type Probe } from '../fixtures/rtmp-receiver.ts';
import { createTestApp, signUp, type SignedInUser, type TestApp } from '../test-app.ts';

const cli = join(import.meta.dirname, '../../src/cli/publish.ts');
const KEY = 'live_e2e_5f2b9c71d04a8e36';

let t: TestApp;
let dir: string;
let base: string;
let fixture: string;
let user: SignedInUser;
let fixtureVideoFrames = 0;

const videoOf = (p: Probe): Probe['packets'] => p.packets.filter((packet) => packet.codecType === 'video');

async function api(method: 'GET' | 'POST', path: string, body?: object): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(`${base}${path}`, {
    method, headers: { ...user.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as unknown, text };
}

function publish(args: string[], token: string, input = fixture): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // The token travels in the environment, as the CLI recommends (not in the process list).
    const child = spawn(process.execPath, [cli, ...args, '--input', input, '--progress', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INGEST_TOKEN: token },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** A fresh RTMP receiver, a custom destination pointing at it, and a started session. */
async function goLive(name: string): Promise<{ receiver: Awaited<ReturnType<typeof startRtmpListener>>; started: StartStreamResponse }> {
  const port = await freePort();
  const receiver = await startRtmpListener({ port, dir, key: KEY, name });
  const destination = await api('POST', '/api/destinations', { name, platform: 'custom', url: `rtmp://127.0.0.1:${port}/live`, streamKey: KEY });
  expect(destination.status, destination.text).toBe(201);
  const start = await api('POST', '/api/stream/start', { destinations: [(destination.json as { id: string }).id] });
  expect(start.status, start.text).toBe(201);
  return { receiver, started: start.json as StartStreamResponse };
}

/** Polls the live status until the destination is live; returns what was seen. */
async function waitLive(sessionId: string, stop: Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  let ended = false;
  void stop.then(() => (ended = true));
  while (!ended) {
    const status = (await api('GET', `/api/stream/status?sessionId=${sessionId}`)).json as { live: { destinations: { status: { state: string } }[] } | null };
    const state = status.live?.destinations[0]?.status.state ?? 'none';
    if (seen.at(-1) !== state) seen.push(state);
    if (state === 'live') return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return seen;
}

async function ended(sessionId: string): Promise<StreamSessionSummary | undefined> {
  for (let i = 0; i < 100; i++) {
    const history = (await api('GET', '/api/stream/sessions')).json as { sessions: StreamSessionSummary[] };
    const session = history.sessions.find((s) => s.id === sessionId);
    if (session?.status === 'ended') return session;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'streamhub-e2e-'));
  [fixture, t] = await Promise.all([
    makeFixture({ audio: 'opus', seconds: 4 }), // 1280×720 30 fps H.264, 2 s GOP, no B-frames + Opus
    createTestApp({ WEBTRANSPORT_ENABLED: 'true', STATS_SAMPLE_INTERVAL_MS: '1000', WEBTRANSPORT_HOST: '127.0.0.1', PUBLIC_HOST: '127.0.0.1', DATA_DIR: dir }),
  ]);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  base = `http://127.0.0.1:${address.port}`;
  user = await signUp(t.app, 'e2e');
  fixtureVideoFrames = videoOf(await probe(fixture)).length;
});

afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('publisher CLI → ingest → relay → RTMP server, through the API', () => {
  it('over WebTransport: H.264 untouched frame for frame, Opus → AAC, status live, session ended in history', async () => {
    const { receiver, started } = await goLive('e2e-wt');
    const { webtransportUrl, certificateHashes } = started.ingest;
    // The real bound UDP port (WEBTRANSPORT_PORT=0) and the current certificate's hash.
    expect(webtransportUrl).toBe(`https://127.0.0.1:${t.app.webtransport?.server.port ?? -1}/ingest`);
    expect(certificateHashes).toEqual(t.app.webtransport?.certificates.hashes());
    expect(certificateHashes).toHaveLength(1);
    const hash = certificateHashes[0]?.value ?? '';

    const run = publish(['--url', webtransportUrl, '--transport', 'webtransport', '--cert-hash', hash], started.ingest.token);
    const states = await waitLive(started.sessionId, run);
    // While live, /metrics (Prometheus text) shows the session and its destination up.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^streamhub_relay_sessions 1$/m);
    expect(metrics).toMatch(new RegExp(`^streamhub_relay_destination_up\\{session="${started.sessionId}",destination="[^"]+",platform="custom"\\} 1$`, 'm'));
    expect(metrics).toMatch(/^streamhub_process_cpu_seconds_total /m);
    const result = await run;
    expect(result.code, result.output).toBe(0);
    expect(states.at(-1)).toBe('live');
    // The ingest acknowledged every frame (video + audio) the CLI sent.
    const summary = /sent (\d+) frames .* server received (\d+) frames/.exec(result.output);
    expect(summary?.[2]).toBe(summary?.[1]);
    await receiver.exited;

    const received = await probe(receiver.outPath);
    expect(received.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
    expect(videoOf(received)).toHaveLength(fixtureVideoFrames);
    const audio = received.streams.find((s) => s.codec_type === 'audio');
    expect(audio?.codec_name).toBe('aac');
    expect(received.packets.filter((p) => p.codecType === 'audio').length).toBeGreaterThan(150); // ~4 s of 1024-sample frames at 48 kHz

    const session = await ended(started.sessionId);
    expect(session).toMatchObject({ status: 'ended', outcome: 'stopped', destinations: [{ outcome: 'completed', framesSent: fixtureVideoFrames }] });
    expect(session?.destinations[0]?.redactedUrl).toContain('****');
    // Stats history: sampled every second while live (STATS_SAMPLE_INTERVAL_MS=1000).
    const samples = await t.app.orm.em.fork().getConnection().execute<{ n: string }[]>('select count(*) as n from stream_stats_samples where session_id = ?', [started.sessionId]);
    expect(Number(samples[0]?.n)).toBeGreaterThanOrEqual(2);

    const everything = [...t.logs, ...t.responses, result.output].join('\n');
    expect(everything).not.toContain(KEY);
    // The ingest token is in the start response by design, and nowhere else.
    expect([...t.logs, result.output].join('\n')).not.toContain(started.ingest.token);
  });

  it('over WebSocket: every video frame reaches the RTMP server', async () => {
    const { receiver, started } = await goLive('e2e-ws');
    const result = await publish(['--url', base, '--transport', 'websocket'], started.ingest.token);
    expect(result.code, result.output).toBe(0);
    await receiver.exited;
    expect(videoOf(await probe(receiver.outPath))).toHaveLength(fixtureVideoFrames);
    expect(await ended(started.sessionId)).toMatchObject({ outcome: 'stopped' });
    expect([...t.logs, ...t.responses, result.output].join('\n')).not.toContain(KEY);
  });

  it('a file with B-frames: frames leave in decode order, and the RTMP server shows every presentation time of the source', async () => {
    const bframes = await makeFixture({ audio: 'aac', seconds: 3, width: 320, height: 240, bFrames: 2 });
    const source = videoOf(await probe(bframes));
    expect(source.some((p) => p.ptsTime !== p.dtsTime)).toBe(true); // the fixture does reorder
    const { receiver, started } = await goLive('e2e-bframes');
    const result = await publish(['--url', base, '--transport', 'websocket'], started.ingest.token, bframes);
    expect(result.code, result.output).toBe(0);
    await receiver.exited;
    const received = videoOf(await probe(receiver.outPath));
    expect(received).toHaveLength(source.length);
    // FLV carries ms: presentation and decode times, each relative to the stream's first, within 1 ms.
    const relative = (packets: Probe['packets'], key: 'ptsTime' | 'dtsTime'): number[] => {
      const first = Math.min(...packets.map((p) => p.ptsTime));
      return packets.map((p) => (p[key] - first) * 1000);
    };
    const sourcePts = relative(source, 'ptsTime');
    const receivedPts = relative(received, 'ptsTime');
    for (const [i, pts] of sourcePts.entries()) expect(Math.abs((receivedPts[i] ?? NaN) - pts), `frame ${i}`).toBeLessThanOrEqual(1);
    const dts = received.map((p) => p.dtsTime);
    expect(dts.every((t, i) => i === 0 || t > (dts[i - 1] ?? Infinity))).toBe(true);
    expect(received.every((p) => p.dtsTime <= p.ptsTime + 0.0005)).toBe(true);
    expect(received.map((p) => p.size)).toEqual(source.map((p) => p.size)); // frame for frame, untouched
  });
});


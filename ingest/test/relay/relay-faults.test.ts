import { afterAll, describe, expect, it } from 'vitest';
import type { DestinationStatus, SessionStatus } from '@streamhub/shared/relay-status';
import { Relay } from '../../src/media/relay.ts';
import { fakeIngestSession, testDestination } from '../fixtures/fake-ingest-session.ts';
import { makeFixture } from '../fixtures/make-fixture.ts';
import { capturingLogger, destinationState, publishFile, tempDir, waitFor } from '../fixtures/relay-harness.ts';
import { freePort, probe, startBlackHole, startRtmpListener, type RtmpListener } from '../fixtures/rtmp-receiver.ts';

const KEY = 'sk_live_4be19f0c72d35a';
const SESSION = 'faults';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('relay isolation: refusing, black-holing and stopped destinations', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => { for (const step of cleanup) await step(); });

  it('keeps the healthy destination gap-free while the others retry with backoff and recover; stop ends everything within 5 s', async () => {
    const dir = await tempDir();
    const fixture = await makeFixture({ audio: 'opus', seconds: 8 });
    const { logger, lines } = capturingLogger();
    const relay = new Relay({ logger, statusIntervalMs: 100, backoff: { baseMs: 200, capMs: 1000 }, connectTimeoutMs: 800, stallTimeoutMs: 10_000, softQueueBytes: 64 * 1024 });
    cleanup.push(() => relay.close());
    const listener = async (port: number, name: string): Promise<RtmpListener> => {
      const l = await startRtmpListener({ port, dir, key: `${KEY}${name}`, name });
      cleanup.push(() => l.stop());
      return l;
    };
    const healthy = await listener(await freePort(), 'healthy');
    const stopped = await listener(await freePort(), 'stopped');
    const refusedPort = await freePort();
    const holePort = await freePort();
    const hole = await startBlackHole(holePort);
    const url = (port: number, name: string): string => `rtmp://127.0.0.1:${port}/live/${KEY}${name}`;
    const fake = fakeIngestSession(SESSION, [
      testDestination('healthy', url(healthy.port, 'healthy')), testDestination('stopped', url(stopped.port, 'stopped')),
      testDestination('refused', url(refusedPort, 'refused')), testDestination('hole', url(holePort, 'hole')),
    ]);
    const handled = relay.handle(fake.session);
    await waitFor(() => destinationState(relay, SESSION, 'healthy') === 'live', 5000, 'healthy live');

    const events: Promise<unknown>[] = [];
    let revived: RtmpListener[] = [];
    let stopRequested = 0;
    const done = new Set<string>();
    const at = (t: number, name: string, now: number, action: () => void): void => {
      if (now >= t && !done.has(name)) { done.add(name); action(); }
    };
    await publishFile(fake, fixture, {
      realtime: true,
      onMediaTime: (t) => {
        at(1.5, 'sigstop', t, () => stopped.process.kill('SIGSTOP'));
        at(2.5, 'revive', t, () => events.push(hole.close().then(async () => {
          revived = await Promise.all([listener(refusedPort, 'refused'), listener(holePort, 'hole')]);
        })));
        at(4, 'sigcont', t, () => stopped.process.kill('SIGCONT'));
        at(7.5, 'stop', t, () => {
          stopRequested = performance.now();
          events.push(relay.stopSession(SESSION));
        });
      },
    });
    const pids = relay.processIds();
    await Promise.all(events);
    await handled;
    const stopMs = performance.now() - stopRequested;
    expect(stopMs).toBeLessThan(5000);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(fake.closedWith[0]?.code).toBe('RELAY_SESSION_STOPPED');
    await Promise.all([healthy, stopped, ...revived].map((l) => l.stop()));

    // Healthy: every frame up to the stop, contiguous, no gap > 100 ms between packet timestamps.
    const source = (await probe(fixture)).packets.filter((p) => p.codecType === 'video');
    const got = (await probe(healthy.outPath)).packets.filter((p) => p.codecType === 'video');
    expect(got.length).toBeGreaterThanOrEqual(7 * 30);
    expect(got.map((p) => p.size)).toEqual(source.slice(0, got.length).map((p) => p.size));
    const gaps = got.slice(1).map((p, i) => p.dtsTime - (got[i]?.dtsTime ?? 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(0.1);

    // The stopped receiver caught up after SIGCONT; the other two recovered once their server came back.
    for (const l of [stopped, ...revived]) {
      const video = (await probe(l.outPath)).packets.filter((p) => p.codecType === 'video');
      expect(video[0]?.keyframe).toBe(true);
      expect(video.length).toBeGreaterThan(60);
    }

    // States went through retrying with the right reasons, with growing backoff.
    const statuses = fake.sent.flatMap((m) => (m.type === 'status' ? [JSON.parse(m.json) as SessionStatus] : []));
    const history = (id: string): DestinationStatus[] => statuses.flatMap((s) => s.destinations.filter((d) => d.id === id));
    const retrying = (id: string): string[] => history(id).flatMap((d) => (d.status.state === 'retrying' ? [d.status.lastError] : []));
    expect(retrying('refused').join()).toMatch(/refused/);
    expect(retrying('hole').join()).toMatch(/No answer/);
    expect(retrying('healthy')).toEqual([]);
    for (const id of ['refused', 'hole']) {
      expect(history(id).some((d) => d.status.state === 'live')).toBe(true);
      expect(history(id).at(-1)?.reconnects).toBeGreaterThan(0);
    }
    const last = statuses.at(-1);
    expect(last?.destinations.find((d) => d.id === 'healthy')?.framesDropped).toBe(0);

    const reported = [...lines, ...fake.sent.map((m) => JSON.stringify(m)), JSON.stringify(relay.status(SESSION))].join('\n');
    expect(reported).not.toContain(KEY);
  });
});

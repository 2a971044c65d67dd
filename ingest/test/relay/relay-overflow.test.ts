import { afterAll, describe, expect, it } from 'vitest';
import { Relay } from '../../src/media/relay.ts';
import { fakeIngestSession, testDestination } from '../fixtures/fake-ingest-session.ts';
import { makeFixture } from '../fixtures/make-fixture.ts';
import { capturingLogger, destinationState, publishFile, tempDir, waitFor } from '../fixtures/relay-harness.ts';
import { freePort, probe, startRtmpListener, type RtmpListener } from '../fixtures/rtmp-receiver.ts';

const KEY = 'sk_live_0c5e7a91d2b4f8';
const SESSION = 'overflow';

describe('relay overflow: a receiver that stops reading', () => {
  const listeners: RtmpListener[] = [];
  afterAll(async () => {
    for (const l of listeners) { l.process.kill('SIGCONT'); await l.stop(); }
  });

  it('drops only non-key video for the stalled destination, then drops the connection; the healthy one gets every frame', async () => {
    const dir = await tempDir();
    const fixture = await makeFixture({ audio: 'aac', seconds: 6 });
    const { logger, lines } = capturingLogger();
    const relay = new Relay({ logger, statusIntervalMs: 100, softQueueBytes: 256 * 1024, hardQueueBytes: 4 * 1024 * 1024, stallTimeoutMs: 2000, connectTimeoutMs: 500, backoff: { baseMs: 200, capMs: 500 } });
    const healthy = await startRtmpListener({ port: await freePort(), dir, key: KEY, name: 'healthy' });
    const stuck = await startRtmpListener({ port: await freePort(), dir, key: KEY, name: 'stuck' });
    listeners.push(healthy, stuck);
    const fake = fakeIngestSession(SESSION, [
      testDestination('healthy', `rtmp://127.0.0.1:${healthy.port}/live/${KEY}`), testDestination('stuck', `rtmp://127.0.0.1:${stuck.port}/live/${KEY}`),
    ]);
    const handled = relay.handle(fake.session);
    await waitFor(() => destinationState(relay, SESSION, 'stuck') === 'live' && destinationState(relay, SESSION, 'healthy') === 'live', 5000, 'both live');
    stuck.process.kill('SIGSTOP');
    // 90 s of media as fast as the relay takes it: far more than the loopback socket buffers hold.
    const { videoFrames } = await publishFile(fake, fixture, { loop: true, durationSeconds: 90, keepOpen: true });
    await waitFor(() => {
      const d = relay.status(SESSION)?.destinations.find((x) => x.id === 'stuck');
      return d !== undefined && d.status.state === 'retrying';
    }, 30_000, 'stuck destination retrying');
    const stuckStatus = relay.status(SESSION)?.destinations.find((x) => x.id === 'stuck');
    // Let the healthy destination drain, then end the stream.
    await waitFor(() => (relay.status(SESSION)?.destinations.find((x) => x.id === 'healthy')?.framesSent ?? 0) >= videoFrames, 30_000, 'healthy got all');
    fake.end();
    await handled;
    await healthy.exited;

    expect(stuckStatus?.framesDropped).toBeGreaterThan(0);
    expect(stuckStatus?.status).toMatchObject({ state: 'retrying', lastError: expect.stringMatching(/No data accepted|waiting to be sent/) as unknown });
    const got = (await probe(healthy.outPath)).packets.filter((p) => p.codecType === 'video');
    expect(got.length).toBe(videoFrames);
    expect(lines.join('\n')).not.toContain(KEY);
  });
});

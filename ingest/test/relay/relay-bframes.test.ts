/**
 * H.264 with B-frames (a file published by the CLI, never the studio) through the relay to a real
 * RTMP server, on both video paths: the frames leave in decode order and every presentation time
 * of the source comes out at the destination (FLV CompositionTime on the Node path; Matroska block
 * times into FFmpeg on the FFmpeg path).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Relay } from '../../src/media/relay.ts';
import { fakeIngestSession, testDestination } from '../fixtures/fake-ingest-session.ts';
import { makeFixture } from '../fixtures/make-fixture.ts';
import { capturingLogger, destinationState, publishFile, tempDir, waitFor } from '../fixtures/relay-harness.ts';
import { freePort, probe, startRtmpListener, type Probe } from '../fixtures/rtmp-receiver.ts';

const KEY = 'sk_live_b7e0c4d19a2f53';

const video = (result: Probe): Probe['packets'] => result.packets.filter((p) => p.codecType === 'video');
/** Milliseconds from the stream's first presentation time. */
const relative = (packets: Probe['packets'], key: 'ptsTime' | 'dtsTime'): number[] => {
  const first = Math.min(...packets.map((p) => p.ptsTime));
  return packets.map((p) => (p[key] - first) * 1000);
};

describe.each(['node', 'ffmpeg'] as const)('relay, H.264 with B-frames, video via %s → real RTMP server', (videoPath) => {
  let dir: string;
  let fixture: string;
  const relays: Relay[] = [];
  beforeAll(async () => {
    dir = await tempDir();
    fixture = await makeFixture({ audio: 'aac', seconds: 3, width: 320, height: 240, bFrames: 2 });
  });
  afterAll(async () => { await Promise.all(relays.map((r) => r.close())); });

  it('keeps decode order and every presentation time, frame for frame', async () => {
    const { logger, lines } = capturingLogger();
    const relay = new Relay({ logger, statusIntervalMs: 200, videoPath });
    relays.push(relay);
    const listener = await startRtmpListener({ port: await freePort(), dir, key: KEY, name: `bframes-${videoPath}` });
    const fake = fakeIngestSession(`b-${videoPath}`, [testDestination('a', `rtmp://127.0.0.1:${listener.port}/live/${KEY}`)]);
    const handled = relay.handle(fake.session);
    await waitFor(() => destinationState(relay, `b-${videoPath}`, 'a') === 'live', 5000, 'destination live');
    await publishFile(fake, fixture, { realtime: true });
    await handled;
    await listener.exited;

    const sent = video(await probe(fixture));
    const got = video(await probe(listener.outPath));
    expect(sent.some((p) => p.ptsTime !== p.dtsTime)).toBe(true); // the fixture does reorder
    expect(got.length, lines.join('\n')).toBe(sent.length);
    expect(got.map((p) => p.size)).toEqual(sent.map((p) => p.size));
    const sentPts = relative(sent, 'ptsTime');
    const gotPts = relative(got, 'ptsTime');
    for (const [i, pts] of sentPts.entries()) expect(Math.abs((gotPts[i] ?? NaN) - pts), `frame ${i} of ${videoPath}`).toBeLessThanOrEqual(1);
    const dts = got.map((p) => p.dtsTime);
    expect(dts.every((t, i) => i === 0 || t > (dts[i - 1] ?? Infinity))).toBe(true);
  });
});

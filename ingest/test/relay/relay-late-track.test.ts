/**
 * The studio declares each track with its encoder's first output, so the audio `track` message
 * can follow the first video frames (the wire protocol allows it: a track is declared before its
 * own first frame). The relay must still carry that audio to the destinations.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { WireMessage } from '@streamhub/shared/wire/messages';
import { mp4ToWireMessages } from '../../src/media/demux/mp4-to-wire.ts';
import { Relay } from '../../src/media/relay.ts';
import { fakeIngestSession, testDestination } from '../fixtures/fake-ingest-session.ts';
import { makeFixture } from '../fixtures/make-fixture.ts';
import { capturingLogger, destinationState, tempDir, waitFor } from '../fixtures/relay-harness.ts';
import { freePort, probe, startRtmpListener } from '../fixtures/rtmp-receiver.ts';

const KEY = 'sk_live_late_track_5e1a';

describe('relay: audio track declared after the first video frames', () => {
  const relays: Relay[] = [];
  afterAll(async () => { await Promise.all(relays.map((r) => r.close())); });

  it('delivers H.264 and AAC to the destination, as when every track comes first', async () => {
    const dir = await tempDir();
    const fixture = await makeFixture({ audio: 'opus', seconds: 3 });
    const { logger } = capturingLogger();
    const relay = new Relay({ logger, statusIntervalMs: 200 });
    relays.push(relay);
    const receiver = await startRtmpListener({ port: await freePort(), dir, key: KEY, name: 'late-track' });
    const fake = fakeIngestSession('s-late-track', [testDestination('a', `rtmp://127.0.0.1:${receiver.port}/live/${KEY}`)]);
    const handled = relay.handle(fake.session);
    await waitFor(() => destinationState(relay, 's-late-track', 'a') === 'live', 5000, 'destination live');

    // Reorder the publisher's messages the studio's way: video track, 3 video frames, then the audio track.
    let audioTrack: WireMessage | null = null;
    let videoFrames = 0;
    let audioFramesBeforeDeclared = 0;
    for await (const message of mp4ToWireMessages(fixture, { realtime: true })) {
      if (message.type === 'track' && message.kind === 'audio') { audioTrack = message; continue; }
      if (message.type === 'frame' && audioTrack !== null && message.trackId === audioTrack.trackId && videoFrames < 3) {
        audioFramesBeforeDeclared++;
        continue; // the studio has no audio chunk before its audio track either
      }
      fake.push(message);
      if (message.type === 'frame' && message.trackId !== audioTrack?.trackId && ++videoFrames === 3 && audioTrack) fake.push(audioTrack);
    }
    fake.end();
    await handled;
    await receiver.exited;

    expect(audioTrack).not.toBeNull();
    const received = await probe(receiver.outPath);
    expect(received.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    const audioPackets = received.packets.filter((p) => p.codecType === 'audio').length;
    expect(audioPackets).toBeGreaterThan(100); // ~3 s of 1024-sample AAC frames at 48 kHz is ~140
    expect(received.packets.filter((p) => p.codecType === 'video').length).toBeGreaterThanOrEqual(85);
    expect(audioFramesBeforeDeclared).toBeLessThan(10);
  });
});

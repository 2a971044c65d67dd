import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Relay } from '../../src/media/relay.ts';
import { fakeIngestSession, testDestination } from '../fixtures/fake-ingest-session.ts';
import { makeFixture } from '../fixtures/make-fixture.ts';
import { capturingLogger, destinationState, publishFile, tempDir, waitFor } from '../fixtures/relay-harness.ts';
import { extradataHex, freePort, probe, startRtmpListener, type Probe } from '../fixtures/rtmp-receiver.ts';

const KEY = 'sk_live_9d41c7e2b8a6f3';
const SECONDS = 6;

function videoPackets(result: Probe): Probe['packets'] {
  return result.packets.filter((p) => p.codecType === 'video');
}

const cases = [
  { audio: 'opus', videoPath: 'node' }, { audio: 'aac', videoPath: 'node' }, { audio: 'opus', videoPath: 'ffmpeg' },
] as const;

describe.each(cases)('relay with $audio audio, video via $videoPath → real RTMP server', ({ audio, videoPath }) => {
  let dir: string;
  let fixture: string;
  beforeAll(async () => {
    dir = await tempDir();
    fixture = await makeFixture({ audio, seconds: SECONDS });
  });
  const relays: Relay[] = [];
  afterAll(async () => { await Promise.all(relays.map((r) => r.close())); });

  it('keeps H.264 untouched, delivers AAC-LC in sync, and a destination added live starts on a keyframe', async () => {
    const { logger, lines } = capturingLogger();
    const relay = new Relay({ logger, statusIntervalMs: 200, videoPath });
    relays.push(relay);
    const first = await startRtmpListener({ port: await freePort(), dir, key: KEY, name: `first-${audio}-${videoPath}` });
    const late = await startRtmpListener({ port: await freePort(), dir, key: `${KEY}late`, name: `late-${audio}-${videoPath}` });
    const fake = fakeIngestSession(`s-${audio}-${videoPath}`, [testDestination('a', `rtmp://127.0.0.1:${first.port}/live/${KEY}`)]);
    const handled = relay.handle(fake.session);
    await waitFor(() => destinationState(relay, `s-${audio}-${videoPath}`, 'a') === 'live', 5000, 'first destination live');

    let addedAt = -1;
    // argv of every FFmpeg the relay runs, read once both destinations are live (any user can read
    // /proc/<pid>/cmdline, and `ps` shows it: a key there would leak to the whole machine).
    let commandLines: string[][] | undefined;
    let statesAtRead: (string | undefined)[] = [];
    const published = await publishFile(fake, fixture, {
      realtime: true,
      onMediaTime: (t) => {
        if (addedAt < 0 && t >= 3) {
          addedAt = t;
          relay.addDestination(`s-${audio}-${videoPath}`, testDestination('late', `rtmp://127.0.0.1:${late.port}/live/${KEY}late`));
        }
        if (commandLines === undefined && t >= 5) {
          statesAtRead = ['a', 'late'].map((id) => destinationState(relay, `s-${audio}-${videoPath}`, id));
          commandLines = relay.processIds().map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== ''));
        }
      },
    });
    await handled;
    await Promise.all([first.exited, late.exited]);

    const source = await probe(fixture);
    const received = await probe(first.outPath);
    // Video: same SPS/PPS (avcC), same frame count, keyframes at the same positions.
    const sourceVideo = source.streams.find((s) => s.codec_type === 'video');
    const receivedVideo = received.streams.find((s) => s.codec_type === 'video');
    expect(receivedVideo?.codec_name).toBe('h264');
    expect(extradataHex(receivedVideo?.extradata)).toBe(extradataHex(sourceVideo?.extradata));
    const sent = videoPackets(source);
    const got = videoPackets(received);
    expect(got.length).toBe(published.videoFrames);
    expect(got.map((p) => p.keyframe)).toEqual(sent.map((p) => p.keyframe));
    expect(got.map((p) => p.size)).toEqual(sent.map((p) => p.size));
    // Audio: AAC-LC, starting with the video (A/V offset ≤ 40 ms).
    const receivedAudio = received.streams.find((s) => s.codec_type === 'audio');
    expect(receivedAudio?.codec_name).toBe('aac');
    expect(receivedAudio?.profile).toBe('LC');
    const firstAudio = received.packets.find((p) => p.codecType === 'audio');
    expect(Math.abs((firstAudio?.ptsTime ?? 99) - (got[0]?.ptsTime ?? 0))).toBeLessThanOrEqual(0.04);
    // ... and lasting as long: the audio FFmpeg writes last still reaches the destination at the end.
    const lastAudio = received.packets.findLast((p) => p.codecType === 'audio');
    // (Seen once in CI: the last ~86 ms missing. The relay's log goes with the failure.)
    expect(lastAudio?.ptsTime ?? 0, lines.join('\n')).toBeGreaterThanOrEqual((got.at(-1)?.ptsTime ?? 99) - 0.05);

    // The destination added at 3 s got a stream that starts with a keyframe (GOP cache), so it
    // lost at most the part of the GOP before it was added, and nothing after.
    const lateVideo = videoPackets(await probe(late.outPath));
    expect(lateVideo[0]?.keyframe).toBe(true);
    expect(lateVideo.length).toBeGreaterThanOrEqual(Math.floor((SECONDS - addedAt) * 30));

    // FFmpeg runs for Opus audio or the FFmpeg video path (AAC with Node video needs none); it reads
    // pipes only: no key, no destination URL, no RTMP address on its command line.
    expect(statesAtRead).toEqual(['live', 'live']);
    expect(commandLines?.length).toBe(videoPath === 'ffmpeg' || audio === 'opus' ? 1 : 0);
    for (const argv of commandLines ?? []) {
      expect(argv[0]).toMatch(/ffmpeg/);
      expect(argv).toContain('pipe:1');
      const joined = argv.join(' ');
      for (const secret of [KEY, 'rtmp', '127.0.0.1', '/live/']) expect(joined).not.toContain(secret);
    }

    // No stream key anywhere the relay reports to.
    const reported = [...lines, ...fake.sent.map((m) => JSON.stringify(m)), JSON.stringify(relay.status(`s-${audio}-${videoPath}`))].join('\n');
    expect(fake.sent.some((m) => m.type === 'status')).toBe(true);
    expect(reported).not.toContain(KEY);
    expect(reported).toContain('****');
    expect((await readFile(first.outPath)).length).toBeGreaterThan(0);
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { WIRE_VERSION, WireSessionValidator, type FrameMessage, type WireMessage } from '@streamhub/shared';
import { makeFixture } from '../../../test/fixtures/make-fixture.ts';
import { UnsupportedInputError, compositionOffsetsOf, mp4ToWireMessages } from './mp4-to-wire.ts';

const VIDEO = 0;
const AUDIO = 1;

async function frames(path: string, options: Parameters<typeof mp4ToWireMessages>[1]): Promise<FrameMessage[]> {
  const out: FrameMessage[] = [];
  for await (const message of mp4ToWireMessages(path, options)) if (message.type === 'frame') out.push(message);
  return out;
}

const end = (f: FrameMessage): number => f.timestamp + f.duration;

describe('mp4ToWireMessages with loop', () => {
  it('shifts each pass by the span of all tracks, so AAC audio never goes backwards across passes', async () => {
    const clip = await makeFixture({ audio: 'aac', seconds: 1, width: 320, height: 240 });
    const once = await frames(clip, {});
    const videoEnd = Math.max(...once.filter((f) => f.trackId === VIDEO).map(end));
    const audioEnd = Math.max(...once.filter((f) => f.trackId === AUDIO).map(end));
    const start = Math.min(...once.map((f) => f.timestamp));
    // The case of the bug: AAC priming puts the first audio frame before 0, so the tracks span more
    // than the container duration (1 s), and a 1 s shift overlaps pass 2's audio with pass 1's.
    expect(start).toBeLessThan(0);
    const span = Math.max(videoEnd, audioEnd) - start;
    expect(span).toBeGreaterThan(1e6);

    const looped = await frames(clip, { loop: true, durationSeconds: 3.5 });
    for (const trackId of [VIDEO, AUDIO]) {
      const track = looped.filter((f) => f.trackId === trackId);
      for (let i = 1; i < track.length; i++) {
        const previous = track[i - 1];
        const current = track[i];
        if (previous === undefined || current === undefined) continue;
        // Strictly increasing and no overlap with the previous frame.
        expect(current.timestamp, `track ${trackId} frame ${i}`).toBeGreaterThanOrEqual(end(previous));
      }
      expect(Math.max(...track.map((f) => f.timestamp))).toBeGreaterThan(3e6);
    }
    const onceVideo = once.filter((f) => f.trackId === VIDEO);
    const loopedVideo = looped.filter((f) => f.trackId === VIDEO);
    // Pass 2 starts exactly one span (earliest start → latest track end) after pass 1, keyframe first.
    const secondPass = loopedVideo[onceVideo.length];
    expect(secondPass?.keyframe).toBe(true);
    expect(secondPass?.timestamp).toBe((onceVideo[0]?.timestamp ?? 0) + span);
  });
});

describe('mp4ToWireMessages in real time', () => {
  it('yields audio just before the next video frame (as the studio sends it), never before its time, nothing lost', async () => {
    const clip = await makeFixture({ audio: 'opus', seconds: 1, width: 320, height: 240 });
    const all = await frames(clip, {});
    const started = performance.now();
    const timed: { frame: FrameMessage; atUs: number }[] = [];
    for await (const message of mp4ToWireMessages(clip, { realtime: true })) {
      if (message.type === 'frame') timed.push({ frame: message, atUs: (performance.now() - started) * 1000 });
    }
    // The same frames, each track in its own order.
    for (const trackId of [VIDEO, AUDIO]) {
      expect(timed.filter((t) => t.frame.trackId === trackId).map((t) => t.frame.timestamp)).toEqual(all.filter((f) => f.trackId === trackId).map((f) => f.timestamp));
    }
    // Audio leaves together with the video frame after it (same turn), not at its own earlier time:
    // the gap from an audio frame to the next video frame is ~0, where pacing each frame at its own
    // time gives the timestamp difference (0–33 ms, median ~13 ms).
    const gapsUs: number[] = [];
    timed.forEach((t, i) => {
      // Never earlier than its own time on the wall clock (2 ms: the pacing sleeps only above 1 ms).
      expect(t.atUs, `frame ${i}`).toBeGreaterThanOrEqual(t.frame.timestamp - 2000);
      if (t.frame.trackId !== AUDIO) return;
      const video = timed.slice(i + 1).find((n) => n.frame.trackId === VIDEO);
      if (video) gapsUs.push(video.atUs - t.atUs);
    });
    gapsUs.sort((a, b) => a - b);
    expect(gapsUs.length).toBeGreaterThan(30);
    expect(gapsUs[Math.floor(gapsUs.length / 2)]).toBeLessThan(2000);
  });
});

describe('mp4ToWireMessages and B-frames', () => {
  it('compositionOffsetsOf: decode times from presentation times in decode order (I P B B P B B)', () => {
    const f = 33_333;
    // Displayed 0 3 1 2 6 4 5: each frame decodes at the i-th smallest presentation time, one frame early.
    const offsets = compositionOffsetsOf([0, 3, 1, 2, 6, 4, 5].map((n) => n * f));
    expect(offsets && [...offsets]).toEqual([1, 3, 0, 0, 3, 0, 0].map((n) => n * f));
    expect(compositionOffsetsOf([0, 1, 2, 3].map((n) => n * f))).toBeNull(); // not reordered: no field at all
    expect(() => compositionOffsetsOf([0, 2 * f, f, f], 'x.mp4')).toThrow('x.mp4: two video frames share the presentation time 0.033333 s');
  });

  it('yields a B-frame file in decode order with compositionOffsets the session validator accepts', async () => {
    const clip = await makeFixture({ audio: 'aac', seconds: 1, width: 320, height: 240, bFrames: 2 });
    const messages: WireMessage[] = [{ type: 'hello', version: WIRE_VERSION, token: 't' }];
    for await (const message of mp4ToWireMessages(clip)) messages.push(message);
    const validator = new WireSessionValidator({ expectHelloFirst: true });
    expect(messages.map((m) => validator.check(m)).filter((e) => e !== undefined)).toEqual([]);
    const video = messages.filter((m): m is FrameMessage => m.type === 'frame' && m.trackId === VIDEO);
    expect(video).toHaveLength(30);
    expect(video.every((f) => f.compositionOffset !== undefined)).toBe(true);
    expect(video.some((f) => (f.compositionOffset ?? 0) > 0)).toBe(true);
    // Every presentation time of the 30 frames, once.
    expect(video.map((f) => Math.round(f.timestamp * 30 / 1e6)).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(messages.filter((m) => m.type === 'frame' && m.trackId === AUDIO).every((f) => !('compositionOffset' in f))).toBe(true);
  });

  it('sends no compositionOffset for a file without B-frames', async () => {
    const clip = await makeFixture({ audio: 'aac', seconds: 1, width: 320, height: 240 });
    const video = (await frames(clip, {})).filter((f) => f.trackId === VIDEO);
    expect(video).toHaveLength(30);
    expect(video.every((f) => !('compositionOffset' in f))).toBe(true);
  });
});

describe('mp4ToWireMessages and files the ingest cannot take', () => {
  const first = (path: string): Promise<unknown> => mp4ToWireMessages(path).next();

  it('names the codec and the fix for VP9 video (WebM) and MP3 audio, before any message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mp4-to-wire-'));
    const run = promisify(execFile);
    const vp9 = join(dir, 'vp9.webm');
    const mp3 = join(dir, 'mp3.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=30', '-t', '0.5', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', vp9]);
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=30', '-f', 'lavfi', '-i', 'sine=sample_rate=44100', '-t', '0.5',
      '-c:v', 'libx264', '-bf', '0', '-c:a', 'libmp3lame', mp3]);
    await expect(first(vp9)).rejects.toThrow(UnsupportedInputError);
    await expect(first(vp9)).rejects.toThrow(/its video is vp09\.[\d.]+; the ingest relays H\.264 only\. Re-encode it/);
    await expect(first(mp3)).rejects.toThrow(/its audio is mp3; the ingest takes AAC or Opus/);
  });

  it('says a file of a few bytes or of random bytes is not a media file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mp4-to-wire-'));
    const tiny = join(dir, 'tiny.mp4');
    const random = join(dir, 'random.mp4');
    await writeFile(tiny, 'garbage\n');
    await writeFile(random, Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) & 0xff)));
    for (const path of [tiny, random]) {
      await expect(first(path)).rejects.toThrow(`${path} is not a media file the publisher can read`);
    }
  });
});

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { micro, type FrameMessage, type TrackMessage } from '@streamhub/shared';
import { mp4ToWireMessages } from '../demux/mp4-to-wire.ts';
import { makeFixture } from '../../../test/fixtures/make-fixture.ts';
import { tempDir } from '../../../test/fixtures/relay-harness.ts';
import { OpusMatroskaWriter } from './opus-matroska-writer.ts';

const run = promisify(execFile);

describe('OpusMatroskaWriter', () => {
  it.each([
    { name: 'one write per packet', holdMs: 0, flushEvery: 1 },
    { name: 'held, one write per 3 packets (flush as on a video frame)', holdMs: 60_000, flushEvery: 3 },
  ])('writes Matroska that FFmpeg reads back as Opus, every packet at its timestamp: $name', async ({ holdMs, flushEvery }) => {
    const fixture = await makeFixture({ audio: 'opus', seconds: 2, width: 320, height: 240 });
    let track: TrackMessage | undefined;
    const frames: FrameMessage[] = [];
    for await (const m of mp4ToWireMessages(fixture)) {
      if (m.type === 'track' && m.kind === 'audio') track = m;
      else if (m.type === 'frame' && m.trackId === track?.trackId) frames.push(m);
    }
    if (track?.kind !== 'audio') throw new Error('fixture has no audio track');
    const chunks: Buffer[] = [];
    const writer = new OpusMatroskaWriter(track, (bytes) => chunks.push(bytes), { toMs: (us) => 1000 + us / 1000, holdMs });
    frames.forEach((frame, i) => {
      writer.push(frame);
      if ((i + 1) % flushEvery === 0) writer.flush();
    });
    writer.flush();
    writer.close();
    expect(chunks).toHaveLength(Math.ceil(frames.length / flushEvery) + 1); // header, then one write per flush
    const path = join(await tempDir(), 'opus.mka');
    await writeFile(path, Buffer.concat(chunks));
    const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name,sample_rate,channels:packet=pts_time', '-of', 'json', path]);
    const probe = JSON.parse(stdout) as { streams: { codec_name: string; sample_rate: string; channels: number }[]; packets: { pts_time: string }[] };
    expect(probe.streams[0]).toMatchObject({ codec_name: 'opus', sample_rate: '48000', channels: 2 });
    expect(probe.packets.map((p) => Number(p.pts_time))).toEqual(frames.map((f) => Math.round(1000 + f.timestamp / 1000) / 1000));
  });

  it('with a batch, a video frame flushes only once the held audio spans the batch; without video the timer does', async () => {
    const track: TrackMessage = { type: 'track', kind: 'audio', trackId: 1, codec: 'opus', description: new Uint8Array(0), sampleRate: 48_000, channels: 2 };
    const writes: Buffer[] = [];
    const writer = new OpusMatroskaWriter(track, (bytes) => writes.push(bytes), { toMs: (us) => us / 1000, holdMs: 20, batchMs: 100 });
    const opus = (i: number): FrameMessage => ({ type: 'frame', trackId: 1, timestamp: micro(i * 20_000), duration: micro(20_000), keyframe: true, payload: new Uint8Array([i]) });
    try {
      for (let i = 0; i < 4; i++) { writer.push(opus(i)); writer.flushWithVideo(); }
      expect(writes).toHaveLength(1); // the header only: 80 ms held < 100 ms
      writer.push(opus(4));
      writer.flushWithVideo();
      expect(writes).toHaveLength(2); // 100 ms: one write with five clusters
      writer.push(opus(5));
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(writes).toHaveLength(2);
      await new Promise((resolve) => setTimeout(resolve, 120)); // no video for batch + hold (120 ms)
      expect(writes).toHaveLength(3);
    } finally {
      writer.close();
    }
  });
});

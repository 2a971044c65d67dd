import { afterEach, describe, expect, it } from 'vitest';
import { micro } from '@streamhub/shared/time';
import { SessionClock } from '../clock.ts';
import { FrameSource } from '../capture/frame-source.ts';
import { Compositor } from '../compose/compositor.ts';
import { framePixels } from '../compose/test-sources.ts';
import { AudioEncodeStage } from './audio-encode.ts';
import { h264Candidates } from './codec-choice.ts';
import type { EncodedMedia } from './encoded.ts';
import { VideoEncodeStage } from './video-encode.ts';

/** A picture with gradients and edges, so PSNR says something about the codec. */
async function patternBitmap(width: number, height: number): Promise<ImageBitmap> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d');
  const gradient = ctx.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, '#1e90ff');
  gradient.addColorStop(1, '#ff8c00');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.font = '64px sans-serif';
  ctx.fillText('StreamHub', 80, 200);
  ctx.fillStyle = '#2e8b57';
  ctx.fillRect(width / 2, height / 2, width / 4, height / 4);
  return createImageBitmap(canvas);
}

function psnr(a: ImageData, b: ImageData): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = (a.data[i + c] ?? 0) - (b.data[i + c] ?? 0);
      sum += d * d;
      n += 1;
    }
  }
  return 10 * Math.log10((255 * 255) / (sum / n));
}

const closers: (() => void)[] = [];
afterEach(() => { for (const close of closers.splice(0)) close(); });

describe('h264Candidates', () => {
  it('picks baseline 3.1 for 720p30 and level 4.0 for 1080p and 720p60', () => {
    expect(h264Candidates(1280, 720, 30)[0]).toBe('avc1.42001f');
    expect(h264Candidates(1920, 1080, 30)[0]).toBe('avc1.4d4028');
    expect(h264Candidates(1280, 720, 60)[0]).toBe('avc1.4d4028');
  });
});

describe('VideoEncodeStage', () => {
  it('encode → VideoDecoder round trip matches the composed frame (PSNR ≥ 30 dB)', async () => {
    const output = { width: 1280, height: 720 };
    const compositor = new Compositor({ canvas: new OffscreenCanvas(1, 1), output, fps: 30, clock: new SessionClock(), onFrame: (f) => { f.close(); } });
    closers.push(() => { compositor.close(); });
    compositor.addSource(FrameSource.fromImage('img', 'image', await patternBitmap(1280, 720)));
    const chunks: EncodedMedia[] = [];
    const encoder = await VideoEncodeStage.create({
      ...output, fps: 30, bitrateKbps: 4000, maxQueue: 100,
      onChunk: (m) => chunks.push(m), onError: (e) => { throw e; },
    });
    closers.push(() => { encoder.close(); });
    expect(encoder.config.latencyMode).toBe('realtime');
    let reference: ImageData | undefined;
    for (let i = 0; i < 10; i++) {
      const frame = compositor.compose();
      if (i === 9) reference = framePixels(frame);
      encoder.encode(frame);
    }
    await encoder.flush();
    expect(chunks).toHaveLength(10);
    expect(chunks[0]?.chunk.type).toBe('key');
    const description = chunks[0]?.meta && 'decoderConfig' in chunks[0].meta ? chunks[0].meta.decoderConfig?.description : undefined;
    expect(description).toBeDefined();

    const decoded: ImageData[] = [];
    const decoder = new VideoDecoder({
      output: (frame) => { try { decoded.push(framePixels(frame)); } finally { frame.close(); } },
      error: (e) => { throw e; },
    });
    closers.push(() => { if (decoder.state !== 'closed') decoder.close(); });
    decoder.configure({ codec: encoder.config.codec, description, codedWidth: 1280, codedHeight: 720 });
    for (const { chunk } of chunks) decoder.decode(chunk);
    await decoder.flush();
    expect(decoded).toHaveLength(10);
    const last = decoded[9];
    if (!last || !reference) throw new Error('missing frames');
    const db = psnr(reference, last);
    expect(db).toBeGreaterThanOrEqual(30);
  });

  it('drops frames when the encoder queue is full and counts them', async () => {
    const encoder = await VideoEncodeStage.create({ width: 1280, height: 720, fps: 30, bitrateKbps: 2000, maxQueue: 1, onChunk: () => undefined, onError: () => undefined });
    closers.push(() => { encoder.close(); });
    const canvas = new OffscreenCanvas(1280, 720);
    canvas.getContext('2d')?.fillRect(0, 0, 10, 10);
    for (let i = 0; i < 20; i++) encoder.encode(new VideoFrame(canvas, { timestamp: i * 33_333 }));
    await encoder.flush();
    expect(encoder.framesIn).toBe(20);
    expect(encoder.framesDropped).toBeGreaterThan(0);
    expect(encoder.framesOut + encoder.framesDropped).toBe(20);
  });
});

describe('AudioEncodeStage', () => {
  it('stays on the session clock when audio stops and restarts', async () => {
    const chunks: EncodedMedia[] = [];
    let clock = 0;
    const encoder = await AudioEncodeStage.create({
      sampleRate: 48_000, channels: 1, bitrateKbps: 64, now: () => micro(clock),
      onChunk: (m) => chunks.push(m), onError: (e) => { throw e; },
    });
    closers.push(() => { encoder.close(); });
    const push = () => { encoder.encode(new AudioData({ format: 'f32-planar', sampleRate: 48_000, numberOfChannels: 1, numberOfFrames: 960, timestamp: 0, data: new Float32Array(960) })); };
    for (let i = 1; i <= 10; i++) { clock = i * 20_000; push(); }
    clock = 2_000_000; // 1.8 s of silence from the source (e.g. suspended context)
    for (let i = 0; i < 10; i++) { push(); clock += 20_000; }
    await encoder.flush();
    const stamps = chunks.map((c) => c.chunk.timestamp);
    expect(stamps.some((t) => t >= 1_980_000 - 20_000)).toBe(true);
    expect(Math.max(...stamps)).toBeLessThan(2_200_000);
  });

  it('encodes with AAC or Opus on the session clock', async () => {
    const chunks: EncodedMedia[] = [];
    let clock = 5_000_000;
    const encoder = await AudioEncodeStage.create({
      sampleRate: 48_000, channels: 2, bitrateKbps: 128, now: () => micro(clock),
      onChunk: (m) => chunks.push(m), onError: (e) => { throw e; },
    });
    closers.push(() => { encoder.close(); });
    expect(['mp4a.40.2', 'opus']).toContain(encoder.config.codec);
    for (let i = 0; i < 50; i++) {
      const data = new Float32Array(480 * 2);
      for (let s = 0; s < 480; s++) data[s] = Math.sin((i * 480 + s) / 10);
      clock = 5_000_000 + i * 10_000;
      encoder.encode(new AudioData({ format: 'f32-planar', sampleRate: 48_000, numberOfChannels: 2, numberOfFrames: 480, timestamp: 123, data }));
    }
    await encoder.flush();
    expect(chunks.length).toBeGreaterThan(10);
    const first = chunks[0]?.chunk.timestamp ?? 0;
    expect(Math.abs(first - (5_000_000 - 10_000))).toBeLessThanOrEqual(20_000);
  });

  it('anchors on the least-delayed of the first buffers, so one late first buffer does not shift the audio', async () => {
    const chunks: EncodedMedia[] = [];
    let clock = 0;
    const encoder = await AudioEncodeStage.create({
      sampleRate: 48_000, channels: 1, bitrateKbps: 64, now: () => micro(clock),
      onChunk: (m) => chunks.push(m), onError: (e) => { throw e; },
    });
    closers.push(() => { encoder.close(); });
    // 10 ms buffers whose samples start at 1.000 s; the first three arrive 30 ms late, in a burst.
    for (let k = 0; k < 30; k++) {
      clock = Math.max(1_040_000, 1_000_000 + (k + 1) * 10_000);
      encoder.encode(new AudioData({ format: 'f32-planar', sampleRate: 48_000, numberOfChannels: 1, numberOfFrames: 480, timestamp: 0, data: new Float32Array(480) }));
    }
    await encoder.flush();
    const first = chunks[0]?.chunk.timestamp ?? 0;
    console.log(`first audio chunk at ${first} µs (samples start at 1000000; a first-buffer anchor would say 1030000)`);
    expect(Math.abs(first - 1_000_000)).toBeLessThanOrEqual(5_000);
  });
});

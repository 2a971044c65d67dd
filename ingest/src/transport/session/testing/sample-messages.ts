import { micro, WIRE_VERSION, type FrameMessage, type TrackMessage, type WireMessage } from '@streamhub/shared';

/** Small deterministic PRNG (mulberry32) so test payloads are reproducible. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

export const hello = (token: string, version = WIRE_VERSION): WireMessage => ({ type: 'hello', version, token });

export const sampleTracks: readonly TrackMessage[] = [
  {
    type: 'track', kind: 'video', trackId: 0, codec: 'avc1.42001f',
    description: Uint8Array.from([1, 0x42, 0, 0x1f, 0xff, 0xe1]), width: 1280, height: 720, framerate: 30,
  },
  { type: 'track', kind: 'audio', trackId: 1, codec: 'opus', description: new Uint8Array(19).fill(7), sampleRate: 48_000, channels: 2 },
];

export interface SampleFramesOptions {
  readonly count: number;
  readonly seed?: number;
  /** Largest video payload; default 64 KiB. Keyframes every 30 video frames are 4× larger. */
  readonly maxPayloadBytes?: number;
}

/**
 * Interleaved video (30 fps, keyframe every 30) and audio (50 packets/s) frames with random
 * payloads, timestamps strictly increasing per track — a valid stream for the session validator.
 */
export function sampleFrames(options: SampleFramesOptions): FrameMessage[] {
  const random = prng(options.seed ?? 1);
  const max = options.maxPayloadBytes ?? 64 * 1024;
  const frames: FrameMessage[] = [];
  let video = 0;
  let audio = 0;
  for (let i = 0; i < options.count; i++) {
    const videoTime = (video * 1e6) / 30;
    const audioTime = audio * 20_000;
    const isVideo = videoTime <= audioTime;
    const keyframe = isVideo && video % 30 === 0;
    const size = isVideo ? Math.floor(random() * (keyframe ? max : max / 4)) + 1 : Math.floor(random() * 400) + 1;
    const payload = new Uint8Array(size);
    for (let b = 0; b < size; b++) payload[b] = Math.floor(random() * 256);
    frames.push({
      type: 'frame', trackId: isVideo ? 0 : 1, keyframe: isVideo ? keyframe : true,
      timestamp: micro(Math.round(isVideo ? videoTime : audioTime)), duration: micro(isVideo ? 33_333 : 20_000), payload,
    });
    if (isVideo) video += 1;
    else audio += 1;
  }
  return frames;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** Splits bytes at random boundaries (1 byte up to `maxChunk`), to exercise reassembly. */
export function splitRandomly(bytes: Uint8Array, maxChunk: number, seed = 7): Uint8Array[] {
  const random = prng(seed);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength;) {
    const size = Math.min(bytes.byteLength - offset, 1 + Math.floor(random() * maxChunk));
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

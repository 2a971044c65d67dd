import { describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input } from 'mediabunny';
import { micro } from '@streamhub/shared/time';
import { AudioEncodeStage } from '../encode/audio-encode.ts';
import type { EncodedMedia } from '../encode/encoded.ts';
import { VideoEncodeStage } from '../encode/video-encode.ts';
import { Recorder } from './recorder.ts';

const SECONDS = 10;
const FPS = 30;

/** Session clock as the audio sees it: advances with each buffer, as in real time. */
let audioClock = 0;

/**
 * Audio buffers submitted before the first video chunk is awaited: fewer than the recorder holds
 * while it waits for a keyframe (2 s). The test submits 10 s of audio in a few milliseconds, so
 * without the wait a slow first H.264 frame (a loaded CI machine) let more than 2 s of audio
 * timestamps pile up ahead of it, which real-time capture cannot do.
 */
const AUDIO_BEFORE_FIRST_VIDEO = 50;

async function encodeSession(onMedia: (m: EncodedMedia) => void): Promise<{ video: VideoEncodeStage; audio: AudioEncodeStage }> {
  let firstVideo: () => void = () => undefined;
  const videoStarted = new Promise<void>((resolve) => (firstVideo = resolve));
  const onChunk = (m: EncodedMedia): void => {
    if (m.kind === 'video') firstVideo();
    onMedia(m);
  };
  const video = await VideoEncodeStage.create({ width: 640, height: 360, fps: FPS, bitrateKbps: 1000, maxQueue: 1000, onChunk, onError: (e) => { throw e; } });
  const audio = await AudioEncodeStage.create({ sampleRate: 48_000, channels: 1, bitrateKbps: 64, now: () => micro(audioClock), onChunk, onError: (e) => { throw e; } });
  const canvas = new OffscreenCanvas(640, 360);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d');
  for (let i = 0; i < SECONDS * FPS; i++) {
    ctx.fillStyle = `hsl(${i * 4}, 80%, 50%)`;
    ctx.fillRect(0, 0, 640, 360);
    video.encode(new VideoFrame(canvas, { timestamp: Math.round((i * 1e6) / FPS), duration: Math.round(1e6 / FPS) }));
  }
  // 20 ms buffers of a 440 Hz tone.
  for (let i = 0; i < SECONDS * 50; i++) {
    if (i === AUDIO_BEFORE_FIRST_VIDEO) await videoStarted;
    const data = new Float32Array(960);
    for (let s = 0; s < 960; s++) data[s] = 0.3 * Math.sin((2 * Math.PI * 440 * (i * 960 + s)) / 48_000);
    audioClock = (i + 1) * 20_000;
    audio.encode(new AudioData({ format: 'f32-planar', sampleRate: 48_000, numberOfChannels: 1, numberOfFrames: 960, timestamp: 0, data }));
  }
  await Promise.all([video.flush(), audio.flush()]);
  return { video, audio };
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** vitest.config.ts: ffprobe (duration, streams, packet counts) + per-packet SHA-256 of the video. */
    probeMp4: (base64: string) => Promise<{ duration: number; streams: { codec_type: string; codec_name: string; nb_read_packets: string }[]; videoSha256: string[] }>;
  }
}

async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('Recorder', () => {
  it(`records a ${SECONDS} s session to MP4 that reads back with the same packets`, async () => {
    let recorder: Recorder | undefined;
    const sent: EncodedMedia[] = [];
    const audioCodec = (await AudioEncoder.isConfigSupported({ codec: 'mp4a.40.2', sampleRate: 48_000, numberOfChannels: 1 })).supported === true ? 'mp4a.40.2' : 'opus';
    recorder = await Recorder.start({ fileName: 'recorder-test.mp4', audioCodec });
    const { video, audio } = await encodeSession((m) => { sent.push(m); recorder?.add(m); });
    const file = await recorder.stop();
    recorder = undefined;
    video.close();
    audio.close();
    expect(file.size).toBeGreaterThan(10_000);

    const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
    const videoTrack = await input.getPrimaryVideoTrack();
    const audioTrack = await input.getPrimaryAudioTrack();
    if (!videoTrack || !audioTrack) throw new Error('missing track');
    expect(await videoTrack.getCodec()).toBe('avc');
    expect(await audioTrack.getCodec()).toBe(audioCodec === 'opus' ? 'opus' : 'aac');
    expect(await input.computeDuration()).toBeCloseTo(SECONDS, 1);

    const videoSent = sent.filter((m) => m.kind === 'video');
    const packets = [];
    for await (const packet of new EncodedPacketSink(videoTrack).packets()) packets.push(packet);
    expect(packets).toHaveLength(SECONDS * FPS);
    expect(videoSent).toHaveLength(SECONDS * FPS);
    packets.forEach((packet, i) => {
      const chunk = videoSent[i]?.chunk;
      if (!chunk) throw new Error(`no chunk ${i}`);
      const bytes = new Uint8Array(chunk.byteLength);
      chunk.copyTo(bytes);
      expect(packet.data).toEqual(bytes);
    });
    let audioPackets = 0;
    for await (const _ of new EncodedPacketSink(audioTrack).packets()) audioPackets += 1;
    // Audio from before the first video keyframe (timestamp 0) is not part of the recording.
    const audioSent = sent.filter((m) => m.kind === 'audio');
    expect(audioPackets).toBe(audioSent.filter((m) => m.chunk.timestamp >= 0).length);
    expect(audioPackets).toBeGreaterThan(SECONDS * 50 - 5);

    // The same file read by FFmpeg (an independent reader): duration, codecs, frame count, and
    // every video packet byte-identical to the chunk the encoder produced (no re-encode).
    const probed = await commands.probeMp4(await base64Of(file));
    expect(probed.duration).toBeCloseTo(SECONDS, 0);
    const probedVideo = probed.streams.find((st) => st.codec_type === 'video');
    const audioStream = probed.streams.find((st) => st.codec_type === 'audio');
    expect(probedVideo?.codec_name).toBe('h264');
    expect(audioStream?.codec_name).toBe(audioCodec === 'opus' ? 'opus' : 'aac');
    expect(Number(probedVideo?.nb_read_packets)).toBe(SECONDS * FPS);
    expect(Number(audioStream?.nb_read_packets)).toBe(audioPackets);
    const sentHashes = await Promise.all(videoSent.map(async (m) => {
      const bytes = new Uint8Array(m.chunk.byteLength);
      m.chunk.copyTo(bytes);
      return sha256Hex(bytes);
    }));
    expect(probed.videoSha256).toEqual(sentHashes);
  });
});

import { describe, expect, it } from 'vitest';
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input } from 'mediabunny';
import { micro } from '@streamhub/shared/time';
import { AudioEncodeStage } from '../encode/audio-encode.ts';
import type { EncodedMedia } from '../encode/encoded.ts';
import { VideoEncodeStage } from '../encode/video-encode.ts';
import { Recorder } from './recorder.ts';

const SECONDS = 3;
const FPS = 30;

/** Session clock as the audio sees it: advances with each buffer, as in real time. */
let audioClock = 0;

async function encodeSession(onMedia: (m: EncodedMedia) => void): Promise<{ video: VideoEncodeStage; audio: AudioEncodeStage }> {
  const video = await VideoEncodeStage.create({ width: 640, height: 360, fps: FPS, bitrateKbps: 1000, maxQueue: 1000, onChunk: onMedia, onError: (e) => { throw e; } });
  const audio = await AudioEncodeStage.create({ sampleRate: 48_000, channels: 1, bitrateKbps: 64, now: () => micro(audioClock), onChunk: onMedia, onError: (e) => { throw e; } });
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
    const data = new Float32Array(960);
    for (let s = 0; s < 960; s++) data[s] = 0.3 * Math.sin((2 * Math.PI * 440 * (i * 960 + s)) / 48_000);
    audioClock = (i + 1) * 20_000;
    audio.encode(new AudioData({ format: 'f32-planar', sampleRate: 48_000, numberOfChannels: 1, numberOfFrames: 960, timestamp: 0, data }));
  }
  await Promise.all([video.flush(), audio.flush()]);
  return { video, audio };
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
  });
});

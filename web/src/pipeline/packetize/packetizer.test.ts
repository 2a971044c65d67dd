import { describe, expect, it } from 'vitest';
import { WireDecoder } from '@streamhub/shared/wire/wire-decoder';
import type { WireMessage } from '@streamhub/shared/wire/messages';
import { micro } from '@streamhub/shared/time';
import { AudioEncodeStage } from '../encode/audio-encode.ts';
import type { EncodedMedia } from '../encode/encoded.ts';
import { VideoEncodeStage } from '../encode/video-encode.ts';
import { AUDIO_TRACK_ID, VIDEO_TRACK_ID, framePacket, trackMessage, trackPacket } from './packetizer.ts';

async function encodeSome(): Promise<EncodedMedia[]> {
  const media: EncodedMedia[] = [];
  let audioClock = 1_000_000;
  const video = await VideoEncodeStage.create({ width: 320, height: 180, fps: 30, bitrateKbps: 500, maxQueue: 100, onChunk: (m) => media.push(m), onError: (e) => { throw e; } });
  const audio = await AudioEncodeStage.create({ sampleRate: 48_000, channels: 2, bitrateKbps: 96, now: () => micro(audioClock), onChunk: (m) => media.push(m), onError: (e) => { throw e; } });
  const canvas = new OffscreenCanvas(320, 180);
  const ctx = canvas.getContext('2d');
  for (let i = 0; i < 10; i++) {
    if (ctx) { ctx.fillStyle = `hsl(${i * 30}, 70%, 50%)`; ctx.fillRect(0, 0, 320, 180); }
    video.encode(new VideoFrame(canvas, { timestamp: 1_000_000 + i * 33_333, duration: 33_333 }));
  }
  for (let i = 0; i < 10; i++, audioClock += 20_000) audio.encode(new AudioData({ format: 'f32-planar', sampleRate: 48_000, numberOfChannels: 2, numberOfFrames: 960, timestamp: 0, data: new Float32Array(1920).fill(0.1) }));
  await Promise.all([video.flush(), audio.flush()]);
  video.close();
  audio.close();
  return media;
}

describe('packetizer', () => {
  it('produces track and frame messages the shared WireDecoder accepts, byte for byte', async () => {
    const media = await encodeSome();
    const firstVideo = media.find((m) => m.kind === 'video');
    const firstAudio = media.find((m) => m.kind === 'audio');
    if (!firstVideo || !firstAudio) throw new Error('no media');
    const packets = [trackPacket(trackMessage(firstVideo, 30)), trackPacket(trackMessage(firstAudio, 30)), ...media.map(framePacket)];

    // One concatenated byte stream, pushed in awkward 1000-byte pieces.
    const stream = new Uint8Array(packets.reduce((n, p) => n + p.bytes.length, 0));
    let offset = 0;
    for (const p of packets) { stream.set(p.bytes, offset); offset += p.bytes.length; }
    const decoder = new WireDecoder();
    const decoded: WireMessage[] = [];
    for (let i = 0; i < stream.length; i += 1000) {
      for (const item of decoder.push(stream.subarray(i, i + 1000))) {
        if (!item.ok) throw new Error(item.error.code);
        decoded.push(item.message);
      }
    }
    expect(decoder.end()).toBeUndefined();
    expect(decoded).toHaveLength(packets.length);

    const [videoTrack, audioTrack] = decoded;
    expect(videoTrack).toMatchObject({ type: 'track', kind: 'video', trackId: VIDEO_TRACK_ID, codec: 'avc1.42001f', width: 320, height: 180, framerate: 30 });
    expect(videoTrack?.type === 'track' ? videoTrack.description.length : 0).toBeGreaterThan(5);
    expect(audioTrack).toMatchObject({ type: 'track', kind: 'audio', trackId: AUDIO_TRACK_ID, sampleRate: 48_000, channels: 2 });

    decoded.slice(2).forEach((message, i) => {
      const source = media[i];
      if (!source || message.type !== 'frame') throw new Error(`frame ${i}`);
      const bytes = new Uint8Array(source.chunk.byteLength);
      source.chunk.copyTo(bytes);
      expect(message.trackId).toBe(source.kind === 'video' ? VIDEO_TRACK_ID : AUDIO_TRACK_ID);
      expect(message.timestamp).toBe(source.chunk.timestamp);
      expect(message.keyframe).toBe(source.chunk.type === 'key');
      expect(message.payload).toEqual(bytes);
    });
  });
});

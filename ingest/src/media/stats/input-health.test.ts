import { describe, expect, it } from 'vitest';
import { micro, type FrameMessage } from '@streamhub/shared';
import { InputHealth } from './input-health.ts';

const frame = (trackId: number, seconds: number, keyframe: boolean): FrameMessage => ({
  type: 'frame', trackId, timestamp: micro(seconds * 1e6), duration: micro(33_333), keyframe, payload: new Uint8Array(100),
});

describe('InputHealth', () => {
  it('warns about long keyframe intervals, odd sample rates and backwards timestamps', () => {
    const health = new InputHealth();
    health.onTrack({ type: 'track', kind: 'video', trackId: 0, codec: 'avc1.42001f', description: new Uint8Array(), width: 1280, height: 720, framerate: 30 });
    health.onTrack({ type: 'track', kind: 'audio', trackId: 1, codec: 'opus', description: new Uint8Array(), sampleRate: 32000, channels: 2 });
    health.onFrame(frame(0, 0, true));
    health.onFrame(frame(0, 5, true));
    health.onBackwards();
    const codes = health.warnings([{ id: 'd', platform: 'twitch' }]).map((w) => w.code);
    expect(codes).toEqual(['HEALTH_KEYFRAME_INTERVAL', 'HEALTH_SAMPLE_RATE', 'HEALTH_TIMESTAMPS_BACKWARDS']);
    expect(health.stats()).toMatchObject({ keyframeIntervalSeconds: 5, framesReceived: 2, audioSampleRate: 32000 });
  });

  it('warns per destination when the keyframe interval exceeds that platform’s maximum', () => {
    const health = new InputHealth();
    health.onTrack({ type: 'track', kind: 'video', trackId: 0, codec: 'avc1.42001f', description: new Uint8Array(), width: 1280, height: 720, framerate: 30 });
    health.onFrame(frame(0, 0, true));
    health.onFrame(frame(0, 3, true));
    expect(health.warnings([{ id: 'yt', platform: 'youtube' }, { id: 'tw', platform: 'twitch' }]))
      .toEqual([expect.objectContaining({ code: 'HEALTH_KEYFRAME_INTERVAL', destinationId: 'tw' })]);
  });
});

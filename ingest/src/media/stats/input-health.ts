import { platformPresets, type Platform } from '@streamhub/shared/platforms';
import type { HealthWarning, InputStats } from '@streamhub/shared/relay-status';
import type { FrameMessage, TrackMessage } from '@streamhub/shared';
import { RateMeter } from './rate-meter.ts';

/** Longest keyframe interval any platform accepts (the threshold). */
const MAX_KEYFRAME_INTERVAL_S = 4;
/** Bitrate is judged only after this much input, so start-up does not warn. */
const BITRATE_SETTLE_MS = 5000;
/** A backwards timestamp keeps its warning visible this long. */
const BACKWARDS_WARNING_MS = 10_000;

/** Watches the publisher's input: rates, keyframe interval, sample rate, timestamp order. */
export class InputHealth {
  readonly #meter = new RateMeter();
  readonly #videoMeter = new RateMeter();
  readonly #videoTracks = new Set<number>();
  #audioSampleRate: number | null = null;
  #lastKeyframeUs: number | null = null;
  #keyframeIntervalS = 0;
  #framesReceived = 0;
  #bytesReceived = 0;
  #firstFrameAt: number | null = null;
  #lastBackwardsAt: number | null = null;
  #backwardsCount = 0;

  onTrack(track: TrackMessage): void {
    if (track.kind === 'video') this.#videoTracks.add(track.trackId);
    else this.#audioSampleRate = track.sampleRate;
  }

  onFrame(frame: FrameMessage): void {
    this.#firstFrameAt ??= performance.now();
    const video = this.#videoTracks.has(frame.trackId);
    this.#framesReceived++;
    this.#bytesReceived += frame.payload.byteLength;
    this.#meter.add(frame.payload.byteLength, video ? 1 : 0);
    if (video) this.#videoMeter.add(frame.payload.byteLength, 1);
    if (video && frame.keyframe) {
      if (this.#lastKeyframeUs !== null) this.#keyframeIntervalS = (frame.timestamp - this.#lastKeyframeUs) / 1e6;
      this.#lastKeyframeUs = frame.timestamp;
    }
  }

  onBackwards(): void {
    this.#backwardsCount++;
    this.#lastBackwardsAt = performance.now();
  }

  get backwardsCount(): number {
    return this.#backwardsCount;
  }

  stats(): InputStats {
    return {
      bitrateKbps: this.#meter.kbps, fps: this.#meter.fps,
      keyframeIntervalSeconds: Math.round(this.#keyframeIntervalS * 100) / 100,
      framesReceived: this.#framesReceived, bytesReceived: this.#bytesReceived, audioSampleRate: this.#audioSampleRate,
    };
  }

  /** Warnings for the whole session and per destination (platform ranges). */
  warnings(destinations: readonly { readonly id: string; readonly platform: Platform }[]): HealthWarning[] {
    const warnings: HealthWarning[] = [];
    const interval = this.#keyframeIntervalS;
    if (interval > MAX_KEYFRAME_INTERVAL_S) {
      warnings.push({ code: 'HEALTH_KEYFRAME_INTERVAL', message: `Keyframe interval is ${interval.toFixed(1)} s; platforms need ${MAX_KEYFRAME_INTERVAL_S} s or less.` });
    }
    for (const destination of destinations) {
      const preset = platformPresets[destination.platform];
      if (interval > preset.maxKeyframeIntervalSeconds && interval <= MAX_KEYFRAME_INTERVAL_S) {
        warnings.push({ code: 'HEALTH_KEYFRAME_INTERVAL', destinationId: destination.id, message: `${preset.label} wants a keyframe every ${preset.maxKeyframeIntervalSeconds} s or less (now ${interval.toFixed(1)} s).` });
      }
      const settled = this.#firstFrameAt !== null && performance.now() - this.#firstFrameAt >= BITRATE_SETTLE_MS;
      const kbps = this.#videoMeter.kbps;
      const range = preset.videoBitrateKbps;
      if (settled && (kbps < range.min || kbps > range.max)) {
        warnings.push({ code: 'HEALTH_BITRATE_RANGE', destinationId: destination.id, message: `Video bitrate ${kbps} kbit/s is outside ${preset.label}'s range ${range.min}–${range.max} kbit/s.` });
      }
    }
    if (this.#audioSampleRate !== null && this.#audioSampleRate !== 44100 && this.#audioSampleRate !== 48000) {
      warnings.push({ code: 'HEALTH_SAMPLE_RATE', message: `Audio sample rate is ${this.#audioSampleRate} Hz; platforms expect 44.1 or 48 kHz.` });
    }
    if (this.#lastBackwardsAt !== null && performance.now() - this.#lastBackwardsAt < BACKWARDS_WARNING_MS) {
      warnings.push({ code: 'HEALTH_TIMESTAMPS_BACKWARDS', message: `${this.#backwardsCount} frame(s) had timestamps going backwards and were dropped.` });
    }
    return warnings;
  }
}

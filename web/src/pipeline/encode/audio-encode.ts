import type { Micro } from '@streamhub/shared/time';
import { chooseAudioConfig, type AudioTarget } from './codec-choice.ts';
import { AudioClockTracker, restampChunk } from './audio-clock.ts';
import type { EncodedMedia } from './encoded.ts';

export interface AudioEncodeOptions extends AudioTarget {
  readonly onChunk: (media: EncodedMedia & { kind: 'audio' }) => void;
  readonly onError: (error: Error) => void;
  /** Session-clock time now; anchors the first sample (audio and video share one clock). */
  readonly now: () => Micro;
  /** How long before it arrives a sample was made, beyond jitter (the mixer's render delay). */
  readonly latencyMs?: number;
}

/**
 * Audio encode stage. Never drops. Capture timestamps are replaced by session-clock ones: the
 * timeline is anchored to the session clock over its first 100 ms (least-delayed buffer), later
 * buffers advance by sample count, so audio never drifts against its own samples and lines up
 * with video at the anchor.
 */
export class AudioEncodeStage {
  readonly config: AudioEncoderConfig;
  readonly #encoder: AudioEncoder;
  readonly #now: () => Micro;
  readonly #latencyUs: number;
  readonly #drift = new AudioClockTracker();
  #anchor: number | null = null;
  #samples = 0;
  /** Buffers held until the anchor is known (the first ANCHOR_WINDOW_S of a timeline). */
  readonly #pending: AudioData[] = [];
  #pendingStart = Number.POSITIVE_INFINITY;
  decoderConfig: AudioDecoderConfig | undefined;
  chunksOut = 0;
  bytesOut = 0;

  private constructor(config: AudioEncoderConfig, options: AudioEncodeOptions) {
    this.config = config;
    this.#now = options.now;
    this.#latencyUs = (options.latencyMs ?? 0) * 1000;
    this.#encoder = new AudioEncoder({
      output: (encoded, meta) => {
        const chunk = restampChunk(encoded, this.#drift.stamp(encoded.timestamp));
        this.chunksOut += 1;
        this.bytesOut += chunk.byteLength;
        if (meta?.decoderConfig) this.decoderConfig = meta.decoderConfig;
        options.onChunk({ kind: 'audio', chunk, meta, decoderConfig: this.decoderConfig });
      },
      error: (e) => { options.onError(e); },
    });
    this.#encoder.configure(config);
  }

  static async create(options: AudioEncodeOptions): Promise<AudioEncodeStage> {
    return new AudioEncodeStage(await chooseAudioConfig(options), options);
  }

  get queueDepth(): number { return this.#encoder.encodeQueueSize; }

  /** Takes ownership of `data` (closes it). */
  encode(data: AudioData): void {
    if (this.#encoder.state !== 'configured') {
      data.close();
      return;
    }
    // When the buffer's first sample was made: arrival minus its own length and the source's delay.
    const arrived = this.#now() - (data.numberOfFrames / data.sampleRate) * 1e6 - this.#latencyUs;
    if (this.#anchor !== null) {
      // Missing samples (lost buffers, a suspended context) move the output timestamps
      // (audio-clock.ts), never the encoder: resetting it lost queued audio, and anchoring anew
      // on the burst read after a stall put audio 0.7 s late (seen at load average 13).
      const at = this.#timeAt(this.#samples, data.sampleRate);
      this.#drift.observe(arrived - at, arrived, at);
      this.#encodeNext(data);
      return;
    }
    // Each buffer says where the timeline would start: its arrival minus the samples before it.
    // Buffers arrive with jitter (late, never early), so the earliest such start over the first
    // ANCHOR_WINDOW_S is the least delayed one; one late first buffer would shift all audio.
    const before = this.#pending.reduce((n, p) => n + p.numberOfFrames, 0);
    this.#pendingStart = Math.min(this.#pendingStart, arrived - (before / data.sampleRate) * 1e6);
    this.#pending.push(data);
    if (before + data.numberOfFrames >= data.sampleRate * ANCHOR_WINDOW_S) this.#startTimeline();
  }

  #timeAt(samples: number, sampleRate: number): number {
    return Math.round((this.#anchor ?? 0) + (samples / sampleRate) * 1e6);
  }

  #startTimeline(): void {
    this.#anchor = this.#pendingStart;
    this.#pendingStart = Number.POSITIVE_INFINITY;
    for (const data of this.#pending.splice(0)) this.#encodeNext(data);
  }

  /** Encodes `data` at the next sample-count time on the timeline, and closes it. */
  #encodeNext(data: AudioData): void {
    try {
      const restamped = restamp(data, this.#timeAt(this.#samples, data.sampleRate));
      this.#samples += data.numberOfFrames;
      try {
        this.#encoder.encode(restamped);
      } finally {
        restamped.close();
      }
    } finally {
      data.close();
    }
  }

  async flush(): Promise<void> {
    if (this.#encoder.state !== 'configured') return;
    if (this.#pending.length > 0) this.#startTimeline();
    await this.#encoder.flush();
  }

  close(): void {
    for (const data of this.#pending.splice(0)) data.close();
    if (this.#encoder.state !== 'closed') this.#encoder.close();
  }
}

/** Audio held at the start of a timeline to find its least-delayed anchor (adds this much latency once). */
const ANCHOR_WINDOW_S = 0.1;

/** AudioData timestamps are read-only: copy the planes into a new buffer with the session time. */
function restamp(data: AudioData, timestamp: number): AudioData {
  const format: AudioSampleFormat = 'f32-planar';
  const planeBytes = data.numberOfFrames * 4;
  const buffer = new ArrayBuffer(planeBytes * data.numberOfChannels);
  for (let plane = 0; plane < data.numberOfChannels; plane++) {
    data.copyTo(new Float32Array(buffer, plane * planeBytes, data.numberOfFrames), { planeIndex: plane, format });
  }
  return new AudioData({
    format, timestamp, data: buffer,
    sampleRate: data.sampleRate, numberOfFrames: data.numberOfFrames, numberOfChannels: data.numberOfChannels,
  });
}

import type { Micro } from '@streamhub/shared/time';
import { chooseAudioConfig, type AudioTarget } from './codec-choice.ts';
import type { EncodedMedia } from './encoded.ts';

export interface AudioEncodeOptions extends AudioTarget {
  readonly onChunk: (media: EncodedMedia & { kind: 'audio' }) => void;
  readonly onError: (error: Error) => void;
  /** Session-clock time now; anchors the first sample (audio and video share one clock). */
  readonly now: () => Micro;
}

/**
 * Audio encode stage. Never drops. Capture timestamps are replaced by session-clock ones: the
 * first buffer is anchored to the session clock, later ones advance by sample count, so audio
 * never drifts against its own samples and lines up with video at the anchor.
 */
export class AudioEncodeStage {
  readonly config: AudioEncoderConfig;
  readonly #encoder: AudioEncoder;
  readonly #now: () => Micro;
  #anchor: number | null = null;
  #samples = 0;
  decoderConfig: AudioDecoderConfig | undefined;
  chunksOut = 0;
  bytesOut = 0;

  private constructor(config: AudioEncoderConfig, options: AudioEncodeOptions) {
    this.config = config;
    this.#now = options.now;
    this.#encoder = new AudioEncoder({
      output: (chunk, meta) => {
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
    try {
      if (this.#encoder.state !== 'configured') return;
      const arrived = this.#now() - (data.numberOfFrames / data.sampleRate) * 1e6;
      let timestamp = Math.round((this.#anchor ?? arrived) + (this.#samples / data.sampleRate) * 1e6);
      if (this.#anchor === null || arrived - timestamp > REANCHOR_US) {
        // Chromium's encoders stamp output from the first input + sample count and ignore later
        // input timestamps, so a new timeline needs a fresh encoder configuration.
        if (this.#anchor !== null) {
          this.#encoder.reset();
          this.#encoder.configure(this.config);
        }
        this.#anchor = arrived;
        this.#samples = 0;
        timestamp = Math.round(arrived);
      }
      this.#samples += data.numberOfFrames;
      const restamped = restamp(data, timestamp);
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
    if (this.#encoder.state === 'configured') await this.#encoder.flush();
  }

  close(): void {
    if (this.#encoder.state !== 'closed') this.#encoder.close();
  }
}

/**
 * When audio arrives this much later than its sample count says, samples were missing (context
 * suspended, device switched) and audio is re-anchored to the clock. Only forward: buffers that
 * arrive late in a burst after a stall are contiguous and keep their sample-count time.
 */
const REANCHOR_US = 500_000;

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

import { chooseVideoConfig, type VideoTarget } from './codec-choice.ts';
import type { EncodedMedia } from './encoded.ts';

export interface VideoEncodeOptions extends VideoTarget {
  readonly onChunk: (media: EncodedMedia & { kind: 'video' }) => void;
  readonly onError: (error: Error) => void;
  /** Frames allowed inside the encoder before new ones are dropped; default ≈ 200 ms worth. */
  readonly maxQueue?: number;
  readonly keyframeIntervalUs?: number;
}

/**
 * H.264 encode stage. Takes ownership of each frame (closes it). When the encoder is behind,
 * incoming frames are dropped and counted; the encoder never saw them, so nothing it emits
 * depends on them.
 */
export class VideoEncodeStage {
  readonly config: VideoEncoderConfig;
  readonly #encoder: VideoEncoder;
  readonly #maxQueue: number;
  readonly #keyInterval: number;
  readonly #started = new Map<number, number>();
  #lastKey = Number.NEGATIVE_INFINITY;
  #forceKey = true;
  decoderConfig: VideoDecoderConfig | undefined;
  framesIn = 0;
  framesOut = 0;
  framesDropped = 0;
  bytesOut = 0;
  encodeMs: number[] = [];

  private constructor(config: VideoEncoderConfig, options: VideoEncodeOptions) {
    this.config = config;
    // A software keyframe at 720p can take 100+ ms: leave room for one without dropping.
    this.#maxQueue = options.maxQueue ?? Math.max(3, Math.ceil(options.fps * 0.2));
    this.#keyInterval = options.keyframeIntervalUs ?? 2_000_000;
    this.#encoder = new VideoEncoder({
      output: (chunk, meta) => {
        const started = this.#started.get(chunk.timestamp);
        this.#started.delete(chunk.timestamp);
        if (started !== undefined) this.#sample(performance.now() - started);
        this.framesOut += 1;
        this.bytesOut += chunk.byteLength;
        if (meta?.decoderConfig) this.decoderConfig = meta.decoderConfig;
        options.onChunk({ kind: 'video', chunk, meta, decoderConfig: this.decoderConfig });
      },
      error: (e) => { options.onError(e); },
    });
    this.#encoder.configure(config);
  }

  static async create(options: VideoEncodeOptions): Promise<VideoEncodeStage> {
    return new VideoEncodeStage(await chooseVideoConfig(options), options);
  }

  get queueDepth(): number { return this.#encoder.encodeQueueSize; }

  /** Whether a frame offered now would be encoded (not dropped for a full queue). */
  get accepting(): boolean {
    return this.#encoder.state === 'configured' && this.#encoder.encodeQueueSize < this.#maxQueue;
  }

  /** Counts a frame dropped for a full queue before it was even composed (saves drawing it). */
  refuse(): void {
    this.framesIn += 1;
    this.framesDropped += 1;
  }

  requestKeyframe(): void { this.#forceKey = true; }

  encode(frame: VideoFrame): void {
    try {
      this.framesIn += 1;
      if (this.#encoder.state !== 'configured') return;
      if (this.#encoder.encodeQueueSize >= this.#maxQueue) {
        this.framesDropped += 1;
        return;
      }
      const keyFrame = this.#forceKey || frame.timestamp - this.#lastKey >= this.#keyInterval;
      if (keyFrame) {
        this.#forceKey = false;
        this.#lastKey = frame.timestamp;
      }
      this.#started.set(frame.timestamp, performance.now());
      this.#encoder.encode(frame, { keyFrame });
    } finally {
      frame.close();
    }
  }

  #sample(ms: number): void {
    this.encodeMs.push(ms);
    if (this.encodeMs.length > 600) this.encodeMs.splice(0, 300);
  }

  async flush(): Promise<void> {
    if (this.#encoder.state === 'configured') await this.#encoder.flush();
  }

  close(): void {
    if (this.#encoder.state !== 'closed') this.#encoder.close();
    this.#started.clear();
  }
}

import {
  EncodedAudioPacketSource, EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output, StreamTarget,
  type AudioCodec,
} from 'mediabunny';
import type { EncodedMedia } from '../encode/encoded.ts';
import { createOpfsTarget, type OpfsTarget } from './opfs-target.ts';

export interface RecorderOptions {
  readonly fileName: string;
  /** WebCodecs audio codec string of the encoder (`opus`, `mp4a.40.2`), or null for video only. */
  readonly audioCodec: string | null;
}

/** About 2 s of 20 ms audio packets. */
const MAX_EARLY_AUDIO = 100;

const mediabunnyAudio = (codec: string): AudioCodec => (codec.startsWith('mp4a') ? 'aac' : 'opus');

/**
 * Local MP4 recording of the already-encoded chunks (no second encode), as fragmented MP4 so the
 * file on disk is playable up to the last finished fragment even if the tab dies.
 * Starts at the first video keyframe; earlier chunks are skipped.
 */
export class Recorder {
  readonly #output: Output;
  readonly #video: EncodedVideoPacketSource;
  readonly #audio: EncodedAudioPacketSource | null;
  readonly #target: OpfsTarget;
  #origin: number | null = null;
  #videoMetaSent = false;
  #audioMetaSent = false;
  readonly #early: EncodedMedia[] = [];
  #chain: Promise<void> = Promise.resolve();
  #error: unknown = null;
  videoPackets = 0;
  audioPackets = 0;

  private constructor(target: OpfsTarget, options: RecorderOptions) {
    this.#target = target;
    this.#output = new Output({
      format: new Mp4OutputFormat({ fastStart: 'fragmented', minimumFragmentDuration: 1 }),
      target: new StreamTarget(target.writable),
    });
    this.#video = new EncodedVideoPacketSource('avc');
    this.#output.addVideoTrack(this.#video);
    this.#audio = options.audioCodec ? new EncodedAudioPacketSource(mediabunnyAudio(options.audioCodec)) : null;
    if (this.#audio) this.#output.addAudioTrack(this.#audio);
  }

  static async start(options: RecorderOptions): Promise<Recorder> {
    const recorder = new Recorder(await createOpfsTarget(options.fileName), options);
    await recorder.#output.start();
    return recorder;
  }

  get bytesWritten(): number { return this.#target.bytesWritten(); }
  get started(): boolean { return this.#origin !== null; }

  /** Queues one encoded chunk (the same object the transport sends); muxing runs in order. */
  add(media: EncodedMedia): void {
    if (this.#origin === null) {
      // Audio leaves its encoder sooner than video: hold it until the first keyframe fixes the origin.
      if (media.kind === 'audio') {
        this.#early.push(media);
        if (this.#early.length > MAX_EARLY_AUDIO) this.#early.shift();
        return;
      }
      if (media.chunk.type !== 'key') return;
      this.#origin = media.chunk.timestamp;
      this.#queue(media);
      for (const early of this.#early.splice(0)) this.#queue(early);
      return;
    }
    this.#queue(media);
  }

  #queue(media: EncodedMedia): void {
    const origin = this.#origin ?? 0;
    if (media.chunk.timestamp < origin) return;
    const packet = EncodedPacket.fromEncodedChunk(media.chunk);
    const shifted = packet.clone({ timestamp: (media.chunk.timestamp - origin) / 1e6 });
    this.#chain = this.#chain.then(() => this.#write(media, shifted)).catch((e: unknown) => { this.#error ??= e; });
  }

  async #write(media: EncodedMedia, packet: EncodedPacket): Promise<void> {
    if (media.kind === 'video') {
      const meta = this.#videoMetaSent || !media.decoderConfig ? undefined : { decoderConfig: media.decoderConfig };
      this.#videoMetaSent = true;
      this.videoPackets += 1;
      await this.#video.add(packet, meta);
    } else if (this.#audio) {
      const meta = this.#audioMetaSent || !media.decoderConfig ? undefined : { decoderConfig: media.decoderConfig };
      this.#audioMetaSent = true;
      this.audioPackets += 1;
      await this.#audio.add(packet, meta);
    }
  }

  /** Finishes the MP4 and returns it. */
  async stop(): Promise<File> {
    await this.#chain;
    if (this.#error !== null) {
      await this.#output.cancel().catch(() => undefined);
      await this.#target.discard();
      throw this.#error instanceof Error ? this.#error : new Error('muxing failed');
    }
    if (this.#origin === null) {
      await this.#output.cancel();
      await this.#target.discard();
      throw new Error('nothing was recorded (no keyframe arrived)');
    }
    await this.#output.finalize();
    return this.#target.finish();
  }
}

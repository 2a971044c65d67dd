import { WritableStream } from 'node:stream/web';
import {
  AppendOnlyStreamTarget, EncodedAudioPacketSource, EncodedPacket, EncodedVideoPacketSource, MkvOutputFormat, Output,
  type AudioCodec, type VideoCodec,
} from 'mediabunny';
import { decodeTimestampOf, type FrameMessage, type TrackMessage } from '@streamhub/shared';
import { RelayError } from '../relay-error.ts';

interface TrackWriter {
  readonly track: TrackMessage;
  readonly add: (packet: EncodedPacket, first: boolean) => Promise<void>;
  lastTimestampUs: number;
  written: number;
}

function videoCodec(codec: string): VideoCodec | null {
  return codec.startsWith('avc1.') || codec.startsWith('avc3.') ? 'avc' : null;
}

function audioCodec(codec: string): AudioCodec | null {
  if (codec === 'opus') return 'opus';
  if (codec.startsWith('mp4a.40')) return 'aac';
  return null;
}

/** What happened to one frame handed to the remuxer. */
export type RemuxResult = 'written' | 'unknown-track' | 'backwards';

/**
 * Wire frames → live Matroska bytes (Mediabunny, append-only, one cluster per frame so nothing waits
 * for a cluster to fill: ENVIRONMENT.md measured 0.2 ms p50 add→bytes). The codec configuration
 * (avcC, OpusHead / AudioSpecificConfig) goes into the track header (CodecPrivate), so FFmpeg
 * starts without probing the stream.
 */
export class MatroskaRemuxer {
  readonly #output: Output;
  readonly #writers = new Map<number, TrackWriter>();
  readonly #toSeconds: (timestampUs: number) => number;
  #started: Promise<unknown> | null = null;
  #closed = false;

  /** `toSeconds` maps session timestamps (µs) onto the output timeline (shared with the Node-built FLV tags). */
  constructor(tracks: readonly TrackMessage[], onData: (bytes: Uint8Array) => void, toSeconds: (timestampUs: number) => number) {
    this.#toSeconds = toSeconds;
    const sink = new WritableStream<Uint8Array>({ write: (chunk) => { if (!this.#closed) onData(chunk); } });
    this.#output = new Output({
      format: new MkvOutputFormat({ appendOnly: true, minimumClusterDuration: 0 }),
      target: new AppendOnlyStreamTarget(sink),
    });
    for (const track of tracks) this.#addTrack(track);
    if (this.#writers.size === 0) throw new RelayError('RELAY_UNSUPPORTED_CODEC', 'The session has no video or audio track.');
  }

  #addTrack(track: TrackMessage): void {
    const description = track.description.byteLength > 0 ? track.description : undefined;
    if (track.kind === 'video') {
      const codec = videoCodec(track.codec);
      if (!codec) throw new RelayError('RELAY_UNSUPPORTED_CODEC', `Video codec ${track.codec} cannot be relayed without transcoding; use H.264.`);
      const source = new EncodedVideoPacketSource(codec);
      this.#output.addVideoTrack(source, track.framerate > 0 ? { frameRate: track.framerate } : {});
      const decoderConfig = { codec: track.codec, codedWidth: track.width, codedHeight: track.height, description };
      this.#writers.set(track.trackId, {
        track, lastTimestampUs: -Infinity, written: 0,
        add: (packet, first) => source.add(packet, first ? { decoderConfig } : undefined),
      });
    } else {
      const codec = audioCodec(track.codec);
      if (!codec) throw new RelayError('RELAY_UNSUPPORTED_CODEC', `Audio codec ${track.codec} is not supported; use Opus or AAC.`);
      const source = new EncodedAudioPacketSource(codec);
      this.#output.addAudioTrack(source);
      const decoderConfig = { codec: track.codec, sampleRate: track.sampleRate, numberOfChannels: track.channels, description };
      this.#writers.set(track.trackId, {
        track, lastTimestampUs: -Infinity, written: 0,
        add: (packet, first) => source.add(packet, first ? { decoderConfig } : undefined),
      });
    }
  }

  /** Adds one frame; resolves when the muxer is ready for the next (backpressure). */
  async push(frame: FrameMessage): Promise<RemuxResult> {
    const writer = this.#writers.get(frame.trackId);
    if (!writer) return 'unknown-track';
    // Packets go to the muxer in decode order (Mediabunny orders B-frames by their presentation timestamps itself).
    const decodeUs = decodeTimestampOf(frame);
    if (decodeUs < writer.lastTimestampUs) return 'backwards';
    this.#started ??= this.#output.start();
    await this.#started;
    writer.lastTimestampUs = decodeUs;
    const packet = new EncodedPacket(frame.payload, frame.keyframe ? 'key' : 'delta', this.#toSeconds(frame.timestamp), frame.duration / 1e6);
    await writer.add(packet, writer.written === 0);
    writer.written++;
    return 'written';
  }

  /** Flushes what is pending (end of stream). */
  async finish(): Promise<void> {
    if (this.#closed) return;
    if (this.#started) await this.#output.finalize();
    this.#closed = true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.#output.cancel().catch(() => undefined);
  }
}

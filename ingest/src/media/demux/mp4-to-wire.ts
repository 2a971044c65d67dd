import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_FORMATS, EncodedPacketSink, FilePathSource, Input, type EncodedPacket, type InputAudioTrack, type InputVideoTrack } from 'mediabunny';
import { micro, type AudioTrackMessage, type FrameMessage, type TrackMessage, type VideoTrackMessage } from '@streamhub/shared';
import { isRelayableAudioCodec, isRelayableVideoCodec } from '../relayable-codecs.ts';
import { AudioWithVideo } from './audio-with-video.ts';

export interface Mp4ToWireOptions {
  /** Start again from the beginning when the file ends (timestamps keep increasing). */
  readonly loop?: boolean;
  /** Pace frames at their timestamps on the wall clock, like a live encoder. */
  readonly realtime?: boolean;
  /** Stop after this much media time (needed with `loop`). */
  readonly durationSeconds?: number;
  /**
   * With `realtime` and a video track: audio frames wait for the next video frame and are yielded
   * just before it, at most this long (µs), as the studio sends them (web LiveTransport
   * `audioHoldMs`). Default 40 000; 0 yields every frame at its own time.
   */
  readonly audioHoldUs?: number;
  /** Video packets checked for B-frames when the file is opened (default 300). */
  readonly reorderScanPackets?: number;
}

const VIDEO_TRACK_ID = 0;
const AUDIO_TRACK_ID = 1;
/** Video packets checked for reordering before anything is sent: B-frames show up in the first GOP. */
const REORDER_SCAN_PACKETS = 300;

/**
 * The file's video stores frames out of presentation order (B-frames). The wire protocol carries
 * presentation timestamps in decode order and requires them to increase (PROTOCOL.md rule 3, as
 * WebCodecs encoders emit them), so such a file cannot be published as it is.
 */
export class ReorderedFramesError extends Error {
  override readonly name = 'ReorderedFramesError';
  constructor(path: string, previousUs: number, timestampUs: number) {
    super(
      `${path} has B-frames: its video stores a frame at ${(timestampUs / 1e6).toFixed(3)} s after one at ` +
      `${(previousUs / 1e6).toFixed(3)} s. The ingest takes video in presentation order, as browsers encode it. ` +
      'Re-encode the video without B-frames, e.g. ffmpeg -i in.mp4 -c:v libx264 -bf 0 -c:a copy out.mp4',
    );
  }
}

/** Not a container Mediabunny reads, or a codec the relay cannot send on (see relayable-codecs.ts). */
export class UnsupportedInputError extends Error {
  override readonly name = 'UnsupportedInputError';
}

/** Throws ReorderedFramesError when a packet's timestamp is not above the one before it. */
class OrderCheck {
  readonly #path: string;
  #lastUs = -Infinity;
  constructor(path: string) {
    this.#path = path;
  }
  check(timestampUs: number): void {
    if (timestampUs <= this.#lastUs) throw new ReorderedFramesError(this.#path, this.#lastUs, timestampUs);
    this.#lastUs = timestampUs;
  }
}

/** Reads the first packets' timestamps (no payloads) so a B-frame file fails before anything is sent. */
async function assertPresentationOrder(sink: EncodedPacketSink, path: string, packets: number): Promise<void> {
  const order = new OrderCheck(path);
  let seen = 0;
  if (packets <= 0) return;
  for await (const packet of sink.packets(undefined, undefined, { metadataOnly: true })) {
    order.check(packet.microsecondTimestamp);
    seen += 1;
    if (seen >= packets) break;
  }
}

/** WebCodecs `AllowSharedBufferSource` (not in Node's lib types). */
type BufferSourceLike = ArrayBufferView | ArrayBuffer | undefined;

function toBytes(source: BufferSourceLike): Uint8Array {
  if (source === undefined) return new Uint8Array(0);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength).slice();
  return new Uint8Array(source).slice();
}

interface OpenedFile {
  readonly input: Input;
  readonly tracks: TrackMessage[];
  readonly sinks: { readonly trackId: number; readonly sink: EncodedPacketSink }[];
}

/** Mediabunny's error as the user's: a file of a few bytes makes it report an internal error. */
async function assertReadable(input: Input, path: string): Promise<void> {
  try {
    await input.getFormat();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const detail = /unsupported or unrecognizable/.test(message) ? '' : ` (${message})`;
    throw new UnsupportedInputError(`${path} is not a media file the publisher can read: MP4, MOV, Matroska or WebM with H.264 video${detail}`);
  }
}

async function videoTrack(video: InputVideoTrack, path: string): Promise<VideoTrackMessage> {
  const config = await video.getDecoderConfig();
  if (!config) throw new UnsupportedInputError(`${path}: its video codec (${await video.getCodec() ?? 'unknown'}) cannot be read; the ingest takes H.264`);
  if (!isRelayableVideoCodec(config.codec)) {
    throw new UnsupportedInputError(`${path}: its video is ${config.codec}; the ingest relays H.264 only. Re-encode it, e.g. ffmpeg -i in.mp4 -c:v libx264 -bf 0 -c:a aac out.mp4`);
  }
  const rate = await video.computePacketStats(60);
  return {
    type: 'track', kind: 'video', trackId: VIDEO_TRACK_ID, codec: config.codec,
    description: toBytes(config.description as BufferSourceLike), width: await video.getCodedWidth(), height: await video.getCodedHeight(),
    framerate: Math.round(rate.averagePacketRate),
  };
}

async function audioTrack(audio: InputAudioTrack, path: string): Promise<AudioTrackMessage> {
  const config = await audio.getDecoderConfig();
  if (!config) throw new UnsupportedInputError(`${path}: its audio codec (${await audio.getCodec() ?? 'unknown'}) cannot be read; the ingest takes AAC or Opus`);
  if (!isRelayableAudioCodec(config.codec)) {
    throw new UnsupportedInputError(`${path}: its audio is ${config.codec}; the ingest takes AAC or Opus. Re-encode it, e.g. ffmpeg -i in.mp4 -c:v copy -c:a aac out.mp4`);
  }
  return {
    type: 'track', kind: 'audio', trackId: AUDIO_TRACK_ID, codec: config.codec,
    description: toBytes(config.description as BufferSourceLike), sampleRate: config.sampleRate, channels: config.numberOfChannels,
  };
}

/** Opens the file and checks it can be published (container, codecs, no B-frames); the input is closed again if not. */
async function openFile(path: string, reorderScanPackets: number): Promise<OpenedFile> {
  const input = new Input({ source: new FilePathSource(path), formats: ALL_FORMATS });
  try {
    await assertReadable(input, path);
    const tracks: TrackMessage[] = [];
    const sinks: OpenedFile['sinks'] = [];
    const video = await input.getPrimaryVideoTrack();
    if (video) {
      tracks.push(await videoTrack(video, path));
      const sink = new EncodedPacketSink(video);
      await assertPresentationOrder(sink, path, reorderScanPackets);
      sinks.push({ trackId: VIDEO_TRACK_ID, sink });
    }
    const audio = await input.getPrimaryAudioTrack();
    if (audio) {
      tracks.push(await audioTrack(audio, path));
      sinks.push({ trackId: AUDIO_TRACK_ID, sink: new EncodedPacketSink(audio) });
    }
    return { input, tracks, sinks };
  } catch (error) {
    input.dispose();
    throw error;
  }
}

/** Interleaves the tracks' packets by timestamp (what a live encoder would emit). */
async function* interleave(file: OpenedFile): AsyncGenerator<{ trackId: number; packet: EncodedPacket }> {
  const iterators = file.sinks.map((s) => ({ trackId: s.trackId, it: s.sink.packets() }));
  const heads = await Promise.all(iterators.map(async (i) => (await i.it.next()).value ?? null));
  for (;;) {
    let best = -1;
    heads.forEach((head, index) => {
      const current = best >= 0 ? heads[best] : null;
      if (head && (!current || head.timestamp < current.timestamp)) best = index;
    });
    const iterator = iterators[best];
    const packet = heads[best];
    if (!iterator || !packet) return;
    yield { trackId: iterator.trackId, packet };
    heads[best] = (await iterator.it.next()).value ?? null;
  }
}

/**
 * Reads an MP4 (or any container Mediabunny reads) and yields what a publisher sends over the wire:
 * one `track` message per track (video avcC / audio OpusHead or AudioSpecificConfig as description),
 * then `frame` messages interleaved by timestamp, in microseconds. For tests and the publisher CLI.
 * A file whose video has B-frames throws ReorderedFramesError when opened (or, past its first
 * packets, before the first reordered frame is yielded).
 */
export async function* mp4ToWireMessages(
  path: string,
  options: Mp4ToWireOptions = {},
): AsyncGenerator<TrackMessage | FrameMessage> {
  const file = await openFile(path, options.reorderScanPackets ?? REORDER_SCAN_PACKETS);
  try {
    yield* file.tracks;
    const limitUs = options.durationSeconds === undefined ? Infinity : options.durationSeconds * 1e6;
    const startedAt = performance.now();
    // Each pass is shifted by the span of all tracks (earliest start to the latest end, timestamp +
    // duration), known after the first pass. The container duration is not enough: the audio track
    // often ends after the video (AAC frames of 1024 samples), and a shift that ends before it makes
    // the next pass's audio go backwards (WIRE_TIMESTAMP_BACKWARDS).
    const span = { startUs: Infinity, endUs: -Infinity };
    const realtime = options.realtime === true;
    const hasVideo = file.tracks.some((t) => t.kind === 'video');
    const pacer = new AudioWithVideo(AUDIO_TRACK_ID, realtime && hasVideo ? options.audioHoldUs ?? 40_000 : 0);
    const untilMedia = async (timestampUs: number): Promise<void> => {
      const waitMs = timestampUs / 1000 - (performance.now() - startedAt);
      if (waitMs > 1) await sleep(waitMs);
    };
    let offsetUs = 0;
    media: for (;;) {
      // Past the packets checked at open, a later GOP with B-frames still fails here, not at the server.
      const videoOrder = new OrderCheck(path);
      for await (const { trackId, packet } of interleave(file)) {
        if (trackId === VIDEO_TRACK_ID) videoOrder.check(packet.microsecondTimestamp);
        if (offsetUs === 0) {
          span.startUs = Math.min(span.startUs, packet.microsecondTimestamp);
          span.endUs = Math.max(span.endUs, packet.microsecondTimestamp + packet.microsecondDuration);
        }
        const timestampUs = offsetUs + packet.microsecondTimestamp;
        if (timestampUs >= limitUs) break media;
        const frame: FrameMessage = {
          type: 'frame', trackId, timestamp: micro(timestampUs), duration: micro(packet.microsecondDuration),
          keyframe: packet.type === 'key', payload: packet.data,
        };
        if (!realtime) { yield frame; continue; }
        for (const release of pacer.add(frame)) {
          await untilMedia(release.atUs);
          yield* release.frames;
        }
      }
      const passUs = span.endUs - Math.min(0, span.startUs);
      if (options.loop !== true || !(passUs > 0)) break;
      offsetUs += passUs;
    }
    const last = pacer.end();
    if (last) {
      await untilMedia(last.atUs);
      yield* last.frames;
    }
  } finally {
    file.input.dispose();
  }
}

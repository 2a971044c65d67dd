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
}

const VIDEO_TRACK_ID = 0;
const AUDIO_TRACK_ID = 1;

/** Not a container Mediabunny reads, or a codec the relay cannot send on (see relayable-codecs.ts). */
export class UnsupportedInputError extends Error {
  override readonly name = 'UnsupportedInputError';
}

/**
 * Decode timestamps for frames stored in decode order with presentation timestamps (what an MP4's
 * stts/ctts describe; Mediabunny gives the presentation ones): the i-th frame decodes at the i-th
 * smallest presentation timestamp, moved back by the largest reorder delay, so that no frame is
 * decoded after it is shown. Returns presentation minus decode time per frame (≥ 0), or null when
 * the frames are not reordered (no B-frames: every offset 0). Throws on two equal timestamps.
 */
export function compositionOffsetsOf(presentationUs: readonly number[], path = 'the input'): Float64Array | null {
  const sorted = [...presentationUs].sort((a, b) => a - b);
  let delayUs = 0;
  for (const [i, pts] of presentationUs.entries()) {
    const rank = sorted[i] ?? pts;
    if (i > 0 && rank === sorted[i - 1]) {
      throw new UnsupportedInputError(`${path}: two video frames share the presentation time ${(rank / 1e6).toFixed(6)} s`);
    }
    delayUs = Math.max(delayUs, rank - pts);
  }
  if (delayUs === 0) return null;
  return Float64Array.from(presentationUs, (pts, i) => pts - ((sorted[i] ?? pts) - delayUs));
}

/** Every video packet's presentation timestamp, in decode order, read without the payloads. */
async function videoCompositionOffsets(sink: EncodedPacketSink, path: string): Promise<Float64Array | null> {
  const presentationUs: number[] = [];
  for await (const packet of sink.packets(undefined, undefined, { metadataOnly: true })) presentationUs.push(packet.microsecondTimestamp);
  return compositionOffsetsOf(presentationUs, path);
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
  readonly sinks: {
    readonly trackId: number;
    readonly sink: EncodedPacketSink;
    /** Per packet in decode order, for video with B-frames (compositionOffsetsOf); null otherwise. */
    readonly compositionOffsetsUs: Float64Array | null;
  }[];
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
    throw new UnsupportedInputError(`${path}: its video is ${config.codec}; the ingest relays H.264 only. Re-encode it, e.g. ffmpeg -i in.mp4 -c:v libx264 -c:a aac out.mp4`);
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

/** Opens the file and checks it can be published (container, codecs); the input is closed again if not. */
async function openFile(path: string): Promise<OpenedFile> {
  const input = new Input({ source: new FilePathSource(path), formats: ALL_FORMATS });
  try {
    await assertReadable(input, path);
    const tracks: TrackMessage[] = [];
    const sinks: OpenedFile['sinks'] = [];
    const video = await input.getPrimaryVideoTrack();
    if (video) {
      tracks.push(await videoTrack(video, path));
      const sink = new EncodedPacketSink(video);
      sinks.push({ trackId: VIDEO_TRACK_ID, sink, compositionOffsetsUs: await videoCompositionOffsets(sink, path) });
    }
    const audio = await input.getPrimaryAudioTrack();
    if (audio) {
      tracks.push(await audioTrack(audio, path));
      sinks.push({ trackId: AUDIO_TRACK_ID, sink: new EncodedPacketSink(audio), compositionOffsetsUs: null });
    }
    return { input, tracks, sinks };
  } catch (error) {
    input.dispose();
    throw error;
  }
}

interface FilePacket {
  readonly trackId: number;
  readonly packet: EncodedPacket;
  /** Presentation minus decode time, on a track with B-frames only (undefined elsewhere: 0). */
  readonly compositionOffsetUs: number | undefined;
}

/** Interleaves the tracks' packets by decode timestamp (the order a live encoder emits them in). */
async function* interleave(file: OpenedFile): AsyncGenerator<FilePacket> {
  const tracks = file.sinks.map((s) => ({ trackId: s.trackId, offsets: s.compositionOffsetsUs, it: s.sink.packets(), index: 0 }));
  const next = async (track: (typeof tracks)[number]): Promise<FilePacket | null> => {
    const packet = (await track.it.next()).value;
    if (!packet) return null;
    const compositionOffsetUs = track.offsets === null ? undefined : track.offsets[track.index] ?? 0;
    track.index += 1;
    return { trackId: track.trackId, packet, compositionOffsetUs };
  };
  const decodeUs = (p: FilePacket): number => p.packet.microsecondTimestamp - (p.compositionOffsetUs ?? 0);
  const heads = await Promise.all(tracks.map(next));
  for (;;) {
    let best = -1;
    heads.forEach((head, index) => {
      const current = best >= 0 ? heads[best] : null;
      if (head && (!current || decodeUs(head) < decodeUs(current))) best = index;
    });
    const track = tracks[best];
    const head = heads[best];
    if (!track || !head) return;
    yield head;
    heads[best] = await next(track);
  }
}

/**
 * Reads an MP4 (or any container Mediabunny reads) and yields what a publisher sends over the wire:
 * one `track` message per track (video avcC / audio OpusHead or AudioSpecificConfig as description),
 * then `frame` messages in decode order, interleaved by decode timestamp, in microseconds; video
 * with B-frames carries each frame's compositionOffset. For tests and the publisher CLI.
 */
export async function* mp4ToWireMessages(
  path: string,
  options: Mp4ToWireOptions = {},
): AsyncGenerator<TrackMessage | FrameMessage> {
  const file = await openFile(path);
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
      for await (const { trackId, packet, compositionOffsetUs } of interleave(file)) {
        const decodeDelayUs = compositionOffsetUs ?? 0;
        if (offsetUs === 0) {
          span.startUs = Math.min(span.startUs, packet.microsecondTimestamp - decodeDelayUs);
          span.endUs = Math.max(span.endUs, packet.microsecondTimestamp + packet.microsecondDuration);
        }
        const timestampUs = offsetUs + packet.microsecondTimestamp;
        // Cut in decode order, so what was sent decodes whole (a B-frame never lacks its reference).
        if (timestampUs - decodeDelayUs >= limitUs) break media;
        const frame: FrameMessage = {
          type: 'frame', trackId, timestamp: micro(timestampUs), duration: micro(packet.microsecondDuration),
          keyframe: packet.type === 'key', payload: packet.data,
          // Only video with B-frames sends the field (its 0s too: one layout per track).
          ...(compositionOffsetUs === undefined ? {} : { compositionOffset: micro(compositionOffsetUs) }),
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

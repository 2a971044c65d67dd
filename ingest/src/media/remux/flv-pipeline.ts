import { decodeTimestampOf, type AudioTrackMessage, type FrameMessage, type TrackMessage, type VideoTrackMessage } from '@streamhub/shared';
import { RemuxProcess } from '../ffmpeg/remux-process.ts';
import { FlvTagReader, type FlvTag } from '../flv/flv-tag-reader.ts';
import { RelayError } from '../relay-error.ts';
import { isRelayableAudioCodec, isRelayableVideoCodec } from '../relayable-codecs.ts';
import { FlvTagWriter } from './flv-tag-writer.ts';
import { MatroskaRemuxer, type RemuxResult } from './matroska-remuxer.ts';
import { OpusMatroskaWriter } from './opus-matroska-writer.ts';

/**
 * Where H.264 (and AAC) are turned into FLV: `node` builds the tags in Node (no added latency;
 * FFmpeg only transcodes Opus), `ffmpeg` sends every track through Mediabunny → FFmpeg `-c:v copy`.
 */
export type VideoPath = 'node' | 'ffmpeg';

export interface FlvPipelineOptions {
  readonly tracks: readonly TrackMessage[];
  readonly videoPath: VideoPath;
  readonly ffmpegPath: string | null;
  /** Longest Opus waits to go to FFmpeg with the next video frame (0: at once), see RelayOptions. */
  readonly audioHoldMs: number;
  /** Opus goes to FFmpeg in batches of at least this much audio, see RelayOptions. */
  readonly transcodeBatchMs: number;
  /** The session timestamp that maps to START_OFFSET_MS. */
  readonly baseUs: number;
  readonly onTags: (tags: FlvTag[]) => void;
  readonly onFatal: (error: RelayError) => void;
  readonly onStderr: (line: string) => void;
}

/**
 * The FLV timeline starts here, not at 0: the AAC encoder's priming samples then stay at positive
 * timestamps, so FFmpeg (with -copyts) never buffers to shift them (FLV cannot carry negative ones).
 * Destinations rebase to their first keyframe anyway.
 */
export const START_OFFSET_MS = 1000;
/** Receive times of video frames inside FFmpeg (`ffmpeg` path); a few at most, bounded anyway. */
const MAX_IN_FLIGHT = 600;

/** A session's tracks and frames → FLV tags (headers first), by the chosen path. */
export class FlvPipeline {
  readonly #options: FlvPipelineOptions;
  readonly #writer: FlvTagWriter;
  readonly #video: VideoTrackMessage | undefined;
  readonly #audio: AudioTrackMessage | undefined;
  readonly #inFlight: number[] = [];
  /** Opus packets sent to FFmpeg: output-timeline ms and arrival, to date the AAC that comes back. */
  readonly #opusArrivals: { ms: number; at: number }[] = [];
  readonly #reader = new FlvTagReader();
  readonly #lastUs = new Map<number, number>();
  #remuxer: MatroskaRemuxer | null = null;
  /** `node` path with Opus: only the audio goes to FFmpeg, through this small writer. */
  #opus: OpusMatroskaWriter | null = null;
  #ffmpeg: RemuxProcess | null = null;

  constructor(options: FlvPipelineOptions) {
    this.#options = options;
    const toMs = (us: number): number => START_OFFSET_MS + Math.max(0, Math.round((us - options.baseUs) / 1000));
    this.#writer = new FlvTagWriter(toMs);
    this.#video = options.tracks.find((t): t is VideoTrackMessage => t.kind === 'video');
    this.#audio = options.tracks.find((t): t is AudioTrackMessage => t.kind === 'audio');
    const audioCodec = this.#audio?.codec ?? null;
    if (this.#video && !isRelayableVideoCodec(this.#video.codec)) throw new RelayError('RELAY_UNSUPPORTED_CODEC', `Video codec ${this.#video.codec} cannot be relayed without transcoding; use H.264.`);
    if (audioCodec !== null && !isRelayableAudioCodec(audioCodec)) throw new RelayError('RELAY_UNSUPPORTED_CODEC', `Audio codec ${audioCodec} is not supported; use Opus or AAC.`);
    // Only the tracks that get frames: Mediabunny's interleaving waits for every track it knows.
    const used = [this.#video, this.#audio].filter((t): t is TrackMessage => t !== undefined);
    const viaFfmpeg = options.videoPath === 'ffmpeg' ? used : this.#audio && audioCodec === 'opus' ? [this.#audio] : [];
    if (viaFfmpeg.length > 0) this.#startFfmpeg(viaFfmpeg, audioCodec === 'opus' ? 'aac' : audioCodec === null ? 'none' : 'copy');
    if (options.videoPath === 'node') {
      const headers = [this.#writer.metadata(this.#video, this.#audio)];
      if (this.#video) headers.push(this.#writer.videoHeader(this.#video));
      if (this.#audio && audioCodec !== 'opus') headers.push(this.#writer.audioHeader(this.#audio));
      options.onTags(headers);
    }
  }

  #startFfmpeg(tracks: readonly TrackMessage[], audio: 'aac' | 'copy' | 'none'): void {
    const ffmpegPath = this.#options.ffmpegPath;
    if (ffmpegPath === null) throw new RelayError('RELAY_FFMPEG_NOT_FOUND');
    const ffmpeg = new RemuxProcess({
      ffmpegPath, audio,
      onFlv: (chunk) => this.#onFlv(chunk),
      onExit: (error) => { if (error) this.#options.onFatal(error); },
      onStderr: this.#options.onStderr,
    });
    this.#ffmpeg = ffmpeg;
    const write = (bytes: Uint8Array): void => {
      if (!ffmpeg.write(bytes)) this.#options.onFatal(new RelayError('RELAY_FFMPEG_FAILED', 'FFmpeg stopped reading its input.'));
    };
    const [only] = tracks;
    if (this.#options.videoPath === 'node' && tracks.length === 1 && only?.kind === 'audio' && only.codec === 'opus') {
      // With video, Opus waits for the video frame that completes a batch (flushed in `push`).
      const holdMs = this.#video ? this.#options.audioHoldMs : 0;
      const batchMs = holdMs > 0 ? this.#options.transcodeBatchMs : 0;
      this.#opus = new OpusMatroskaWriter(only, write, { toMs: (us) => START_OFFSET_MS + Math.max(0, us - this.#options.baseUs) / 1000, holdMs, batchMs });
      return;
    }
    this.#remuxer = new MatroskaRemuxer(tracks, write, (us) => (START_OFFSET_MS * 1000 + Math.max(0, us - this.#options.baseUs)) / 1e6);
  }

  #onFlv(chunk: Buffer): void {
    let tags: FlvTag[];
    try {
      tags = this.#reader.push(chunk);
    } catch (error) {
      this.#options.onFatal(new RelayError('RELAY_FFMPEG_FAILED', error instanceof Error ? error.message : 'bad FLV'));
      return;
    }
    // `node` path: FFmpeg only carries the transcoded audio; our own metadata and video win.
    const kept = this.#options.videoPath === 'node' ? tags.filter((t) => t.kind === 'audio')
      : tags.filter((t) => !(t.kind === 'video' && t.data[1] === 2)); // drop AVC end-of-sequence (E.4.3.1)
    for (const tag of kept) {
      if (tag.kind === 'video' && !tag.sequenceHeader) tag.receivedAt = this.#inFlight.shift() ?? null;
      else if (tag.kind === 'audio' && !tag.sequenceHeader && this.#opus) tag.receivedAt = this.#opusArrival(tag.timestamp);
    }
    if (kept.length > 0) this.#options.onTags(kept);
  }

  /** Arrival of the Opus packet holding the AAC frame's first sample (the newest one at or before `ms`). */
  #opusArrival(ms: number): number | null {
    const arrivals = this.#opusArrivals;
    while (arrivals.length > 1 && (arrivals[1]?.ms ?? Infinity) <= ms) arrivals.shift();
    const first = arrivals[0];
    return first && first.ms <= ms ? first.at : null;
  }

  /** Adds one frame; resolves when the next may come (backpressure of the FFmpeg path). */
  async push(frame: FrameMessage, receivedAt: number): Promise<RemuxResult> {
    const isVideo = frame.trackId === this.#video?.trackId;
    const isAudio = frame.trackId === this.#audio?.trackId;
    if (!isVideo && !isAudio) return 'unknown-track';
    const last = this.#lastUs.get(frame.trackId) ?? -Infinity;
    // FLV and Matroska need non-decreasing decode timestamps per track (the timestamps themselves without B-frames).
    const decodeUs = decodeTimestampOf(frame);
    if (decodeUs < last) return 'backwards';
    this.#lastUs.set(frame.trackId, decodeUs);
    const direct = this.#options.videoPath === 'node' && (isVideo || this.#audio?.codec !== 'opus');
    if (direct) {
      const tag = isVideo ? this.#writer.videoFrame(frame) : this.#writer.audioFrame(frame);
      tag.receivedAt = receivedAt;
      this.#options.onTags([tag]);
      if (isVideo) this.#opus?.flushWithVideo();
      return 'written';
    }
    if (isVideo) {
      this.#inFlight.push(receivedAt);
      if (this.#inFlight.length > MAX_IN_FLIGHT) this.#inFlight.shift();
    }
    if (this.#opus) {
      this.#opusArrivals.push({ ms: START_OFFSET_MS + Math.max(0, frame.timestamp - this.#options.baseUs) / 1000, at: receivedAt });
      if (this.#opusArrivals.length > MAX_IN_FLIGHT) this.#opusArrivals.shift();
      this.#opus.push(frame);
      return 'written';
    }
    return (await this.#remuxer?.push(frame)) ?? 'written';
  }

  /** End of stream: flush the muxer and let FFmpeg finish (bounded); false when FFmpeg ran out of time. */
  async finish(timeoutMs: number): Promise<boolean> {
    this.#opus?.flush();
    await this.#remuxer?.finish();
    const ffmpeg = this.#ffmpeg;
    if (!ffmpeg) return true;
    ffmpeg.endInput();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
    try {
      return await Promise.race([ffmpeg.exited.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Bounded stop of FFmpeg: SIGTERM after `graceMs`, SIGKILL after as long again. */
  async close(graceMs: number): Promise<void> {
    this.#remuxer?.close();
    this.#opus?.close();
    await this.#ffmpeg?.close(graceMs);
  }

  get pids(): number[] {
    const pid = this.#ffmpeg?.pid;
    return pid === undefined ? [] : [pid];
  }
}

import { decodeTimestampOf, type FrameMessage, type TrackMessage, type WireMessage } from '@streamhub/shared';
import type { SessionStatus } from '@streamhub/shared/relay-status';
import type { IngestSession, RelayDestination } from '../live/contracts.ts';
import { AudioCoalescer } from './fanout/audio-coalescer.ts';
import { DestinationOutput, type OutputOptions } from './fanout/destination-output.ts';
import { GopCache } from './fanout/gop-cache.ts';
import type { FlvTag } from './flv/flv-tag-reader.ts';
import { Redactor } from './redact.ts';
import { FlvPipeline, type VideoPath } from './remux/flv-pipeline.ts';
import { RelayError } from './relay-error.ts';
import type { RelayLogger } from './relay-logger.ts';
import { InputHealth } from './stats/input-health.ts';
import { LatencyRecorder } from './stats/latency-recorder.ts';

export interface RelaySessionOptions {
  readonly ffmpegPath: string | null;
  readonly videoPath: VideoPath;
  readonly output: OutputOptions;
  readonly statusIntervalMs: number;
  /** Longest audio waits for the next video frame (0: never), see RelayOptions. */
  readonly audioHoldMs: number;
  /** Opus goes to FFmpeg in batches of at least this much audio, see RelayOptions. */
  readonly transcodeBatchMs: number;
  readonly logger: RelayLogger;
  /** Grace before SIGTERM (and again before SIGKILL) when FFmpeg is stopped. */
  readonly killGraceMs: number;
}

const STOP = Symbol('stop');

/**
 * How long the first frames wait for the stream's other track to be declared. The wire protocol
 * lets a track be declared any time before its own first frame, and the studio declares each
 * track with its encoder's first output (video usually ~100 ms before audio), but the FLV stream
 * and FFmpeg's input are set up once, with every track: a track declared after the start would be
 * lost for the whole session.
 */
const TRACK_WAIT_MS = 1000;
const MAX_EARLY_FRAMES = 120;
/** Longest FFmpeg may take to transcode the last audio and exit after the end of the stream. */
const FINISH_TIMEOUT_MS = 3000;

/**
 * One publisher session, the only place that knows the whole server-side flow:
 *   wire frames → FlvPipeline (H.264/AAC → FLV tags in Node; Opus → Matroska → FFmpeg → AAC-LC
 *   in FLV) → AudioCoalescer (audio rides with the next video frame) → GopCache + one
 *   DestinationOutput (own RTMP connection) per destination.
 * Isolation: at most one FFmpeg per session, doing the only codec work (Opus → AAC) and never
 * seeing a destination; the fan-out is non-blocking sockets in Node, each with a bounded queue,
 * drop policy, stall detection and its own reconnect loop, so no destination can delay another.
 */
export class RelaySession {
  readonly sessionId: string;
  readonly latency = new LatencyRecorder();
  /** The same for audio frames (Opus: from the packet holding the AAC frame's first sample). */
  readonly audioLatency = new LatencyRecorder();
  readonly #session: IngestSession;
  readonly #options: RelaySessionOptions;
  readonly #redactor = new Redactor();
  readonly #health = new InputHealth();
  readonly #gop = new GopCache();
  readonly #tracks = new Map<number, TrackMessage>();
  readonly #outputs = new Map<string, DestinationOutput>();
  readonly #coalescer: AudioCoalescer;
  #pipeline: FlvPipeline | null = null;
  /** Frames received before every track was declared (at most TRACK_WAIT_MS, MAX_EARLY_FRAMES). */
  #early: { frame: FrameMessage; receivedAt: number }[] = [];
  #state: SessionStatus['state'] = 'waiting';
  #startedAtMs: number | null = null;
  #interrupt: (() => void) | null = null;
  #interrupted = false;
  #stopping = false;
  #statusTimer: NodeJS.Timeout | null = null;

  constructor(session: IngestSession, options: RelaySessionOptions) {
    this.sessionId = session.grant.sessionId;
    this.#session = session;
    this.#options = options;
    this.#coalescer = new AudioCoalescer((tags) => this.#fanOut(tags), options.audioHoldMs);
    for (const destination of session.grant.destinations) this.addDestination(destination);
  }

  #log(level: keyof RelayLogger, message: string, fields: object = {}): void {
    this.#options.logger[level]({ sessionId: this.sessionId, ...fields }, this.#redactor.redact(message));
  }

  /** Consumes the session's messages until it ends or is stopped; always tears everything down. */
  async run(): Promise<void> {
    const iterator = this.#session.messages[Symbol.asyncIterator]();
    void this.#session.closed.then(() => this.#signalStop());
    this.#statusTimer = setInterval(() => this.#pushStatus(), this.#options.statusIntervalMs);
    try {
      for (;;) {
        const next: IteratorResult<WireMessage> | typeof STOP = await this.#next(iterator);
        if (next === STOP || next.done === true) break;
        await this.#onMessage(next.value);
      }
      if (!this.#stopping) await this.#finishGracefully();
    } catch (error) {
      this.#fatal(error instanceof RelayError ? error : new RelayError('RELAY_FFMPEG_FAILED', error instanceof Error ? error.message : 'unknown'));
    } finally {
      void iterator.return?.().catch(() => undefined);
      await this.#teardown();
    }
  }

  /**
   * The next message, or STOP once the session is stopped or closed. A fresh promise per call on
   * purpose: `Promise.race` against the same long-lived stop promise every frame would add a
   * reaction to it each time, never released (memory and GC work growing with stream length).
   */
  #next(iterator: AsyncIterator<WireMessage>): Promise<IteratorResult<WireMessage> | typeof STOP> {
    if (this.#interrupted) return Promise.resolve(STOP);
    return new Promise((resolve, reject) => {
      this.#interrupt = () => { resolve(STOP); };
      iterator.next().then(resolve, reject);
    });
  }

  #signalStop(): void {
    this.#interrupted = true;
    const interrupt = this.#interrupt;
    this.#interrupt = null;
    interrupt?.();
  }

  async #onMessage(message: WireMessage): Promise<void> {
    if (message.type === 'track') {
      if (this.#pipeline) { this.#log('warn', `Track ${message.trackId} announced after the stream started; ignored.`); return; }
      this.#tracks.set(message.trackId, message);
      this.#health.onTrack(message);
      if (this.#early.length > 0 && this.#allKindsDeclared()) await this.#startWithEarlyFrames();
    } else if (message.type === 'frame') {
      await this.#onFrame(message, performance.now());
    }
  }

  async #onFrame(frame: FrameMessage, receivedAt: number): Promise<void> {
    if (!this.#tracks.has(frame.trackId)) return;
    this.#health.onFrame(frame);
    if (this.#pipeline) {
      if ((await this.#pipeline.push(frame, receivedAt)) === 'backwards') this.#health.onBackwards();
      return;
    }
    this.#early.push({ frame, receivedAt });
    const waitedMs = receivedAt - (this.#early[0]?.receivedAt ?? receivedAt);
    if (this.#allKindsDeclared() || waitedMs >= TRACK_WAIT_MS || this.#early.length >= MAX_EARLY_FRAMES) await this.#startWithEarlyFrames();
  }

  #allKindsDeclared(): boolean {
    const kinds = new Set([...this.#tracks.values()].map((t) => t.kind));
    return kinds.has('video') && kinds.has('audio');
  }

  async #startWithEarlyFrames(): Promise<void> {
    const early = this.#early;
    this.#early = [];
    if (early.length === 0) return;
    // The earliest decode timestamp: FLV tags carry decode times, which must not fall below the base.
    const pipeline = this.#startPipeline(Math.min(...early.map((e) => decodeTimestampOf(e.frame))));
    for (const { frame, receivedAt } of early) {
      if ((await pipeline.push(frame, receivedAt)) === 'backwards') this.#health.onBackwards();
    }
  }

  #startPipeline(baseUs: number): FlvPipeline {
    const tracks = [...this.#tracks.values()];
    // Only transcoded audio is held: it is already ~80 ms behind its video (AAC frame assembly in
    // FFmpeg), and holding it saves the CPU. Copied AAC goes out at once (ingest-added p95 ≤ 30 ms).
    this.#coalescer.hold = this.#options.audioHoldMs > 0 && tracks.some((t) => t.kind === 'video')
      && tracks.some((t) => t.kind === 'audio' && t.codec === 'opus');
    this.#pipeline = new FlvPipeline({
      tracks, baseUs, videoPath: this.#options.videoPath, ffmpegPath: this.#options.ffmpegPath, audioHoldMs: this.#options.audioHoldMs,
      transcodeBatchMs: this.#options.transcodeBatchMs,
      onTags: (tags) => this.#coalescer.push(tags),
      onFatal: (error) => this.#fatal(error),
      onStderr: (line) => this.#log('debug', `ffmpeg: ${line}`),
    });
    this.#state = 'live';
    this.#startedAtMs = Date.now();
    const audio = tracks.find((t) => t.kind === 'audio')?.codec ?? 'none';
    this.#log('info', `Session live: video copied (${this.#options.videoPath} path), audio ${audio === 'opus' ? 'Opus → AAC-LC' : audio}.`);
    return this.#pipeline;
  }

  #fanOut(tags: FlvTag[]): void {
    for (const tag of tags) this.#gop.add(tag);
    for (const output of this.#outputs.values()) output.push(tags);
  }

  #fatal(error: RelayError): void {
    if (this.#stopping) return;
    this.#log('error', `Session failed: ${error.code}: ${error.message}`);
    const reason = this.#redactor.redact(error.message);
    this.#session.send({ type: 'error', code: error.code, reason });
    this.#session.close(error.code, reason);
    this.stop();
  }

  /** End of the publisher's stream: let FFmpeg flush, then let the outputs drain (bounded). */
  async #finishGracefully(): Promise<void> {
    await this.#startWithEarlyFrames(); // a stream shorter than the wait for its tracks
    const finished = (await this.#pipeline?.finish(FINISH_TIMEOUT_MS)) ?? true;
    if (!finished) this.#log('warn', `FFmpeg did not finish within ${String(FINISH_TIMEOUT_MS / 1000)} s of the end of the stream; the last transcoded audio may be missing.`);
    // No video follows: anything FFmpeg still hands over goes straight out instead of waiting.
    this.#coalescer.hold = false;
    this.#coalescer.flush();
    await Promise.all([...this.#outputs.values()].map((output) => output.drain(1000)));
  }

  async #teardown(): Promise<void> {
    this.#stopping = true;
    if (this.#statusTimer) clearInterval(this.#statusTimer);
    this.#statusTimer = null;
    this.#coalescer.close();
    for (const output of this.#outputs.values()) output.stop();
    await this.#pipeline?.close(this.#options.killGraceMs);
    this.#state = 'ended';
    this.#log('info', 'Session ended.');
  }

  /** Ends the session now (API stop, relay shutdown); `run()` then tears down. */
  stop(reason?: RelayError): void {
    if (reason && !this.#stopping) this.#session.close(reason.code, reason.message);
    this.#stopping = true;
    this.#signalStop();
  }

  addDestination(destination: RelayDestination): void {
    if (this.#outputs.has(destination.id)) throw new RelayError('RELAY_DESTINATION_EXISTS');
    this.#redactor.addUrl(destination.url);
    const tracks = this.#tracks;
    const output = new DestinationOutput(destination, this.#options.output, {
      snapshot: () => this.#gop.snapshot(),
      // Before the tracks are known, assume video (a destination must start on a keyframe).
      get videoExpected() { return tracks.size === 0 || [...tracks.values()].some((t) => t.kind === 'video'); },
      onLatency: (kind, ms) => (kind === 'video' ? this.latency : this.audioLatency).record(ms),
      onEvent: (level, message) => this.#log(level, message, { destinationId: destination.id }),
    });
    this.#outputs.set(destination.id, output);
    if (this.#state !== 'ended') output.start();
  }

  removeDestination(destinationId: string): void {
    const output = this.#outputs.get(destinationId);
    if (!output) throw new RelayError('RELAY_DESTINATION_NOT_FOUND');
    output.stop();
    this.#outputs.delete(destinationId);
  }

  /** Process ids of this session's FFmpeg (for CPU accounting). */
  get pids(): number[] {
    return this.#pipeline?.pids ?? [];
  }

  status(): SessionStatus {
    const destinations = [...this.#outputs.values()];
    return {
      sessionId: this.sessionId, state: this.#state, startedAtMs: this.#startedAtMs,
      input: this.#health.stats(),
      destinations: destinations.map((output) => output.status()),
      warnings: this.#health.warnings(destinations.map((output) => output.destination)),
    };
  }

  #pushStatus(): void {
    this.#session.send({ type: 'status', json: this.#redactor.redact(JSON.stringify(this.status())) });
  }
}

import type { SessionStatus } from '@streamhub/shared/relay-status';
import type { IngestSession, IngestSessionHandler, RelayControl, RelayDestination } from '../live/contracts.ts';
import { defaultBackoff, type BackoffOptions } from './fanout/backoff.ts';
import type { OutputOptions } from './fanout/destination-output.ts';
import { resolveFfmpegPath } from './ffmpeg/ffmpeg-binary.ts';
import { RelayError } from './relay-error.ts';
import { silentRelayLogger, type RelayLogger } from './relay-logger.ts';
import { RelaySession } from './relay-session.ts';
import type { VideoPath } from './remux/flv-pipeline.ts';

export interface RelayOptions {
  /** Default: FFMPEG_PATH, else /usr/bin/ffmpeg, else @ffmpeg-installer/ffmpeg. */
  readonly ffmpegPath?: string;
  /** `node` (default): H.264/AAC become FLV in Node, FFmpeg only transcodes Opus; `ffmpeg`: all through FFmpeg -c:v copy. */
  readonly videoPath?: VideoPath;
  /** Reconnect backoff per destination (default 2 s base, ×1.5, cap 60 s, ±20 % jitter). */
  readonly backoff?: Partial<BackoffOptions>;
  readonly connectTimeoutMs?: number;
  readonly stallTimeoutMs?: number;
  /**
   * Extra CA certificates (PEM) trusted for rtmps:// destinations, besides Node's bundled roots
   * (e.g. a private RTMPS server's CA; the tests pass their throwaway receiver's). Certificates and
   * host names are always verified; there is no opt-out.
   */
  readonly extraCa?: readonly string[];
  /**
   * Longest transcoded (Opus → AAC) audio waits to travel with the next video frame, ms (default
   * 50; 0 sends audio as soon as it is ready; copied AAC is never held). Measured on the relay bench (Opus, 3 destinations): holding saves about 1.5 %
   * of a core (Node + FFmpeg) and adds about 58 ms to the audio's ingest-added p95 (81 → 140 ms);
   * video latency is unchanged. Timestamps are untouched, so A/V sync at the destination is too.
   */
  readonly audioHoldMs?: number;
  /**
   * Opus for the AAC transcode goes to FFmpeg in batches of at least this much audio, ms (default
   * 100; applies with `audioHoldMs` > 0 and a video track). FFmpeg then wakes about 10 times a
   * second instead of 30, which measured 0.6 points of a core less for it; the transcoded audio
   * waits up to one batch longer (timestamps untouched, so A/V sync is not affected).
   */
  readonly transcodeBatchMs?: number;
  /** Outgoing RTMP chunk size (default 4096). */
  readonly chunkSize?: number;
  readonly softQueueBytes?: number;
  readonly hardQueueBytes?: number;
  /** How often `status` is pushed to the publisher (default 1000 ms). */
  readonly statusIntervalMs?: number;
  readonly logger?: RelayLogger;
  /** Ended sessions whose final status stays queryable (default 50). */
  readonly keepEndedSessions?: number;
}

/**
 * The media relay: takes over authenticated ingest sessions (`handler`), relays each to its
 * destinations, and answers the API (`status`, `stopSession`, destinations added/removed live).
 * Design and isolation: see RelaySession.
 */
export class Relay implements RelayControl {
  /** Pass this to the transport (an IngestSessionHandler). */
  readonly handler: IngestSessionHandler = (session) => this.handle(session);
  readonly #options: Required<Omit<RelayOptions, 'backoff' | 'ffmpegPath' | 'extraCa'>> & { output: OutputOptions; ffmpegPath: string | null };
  readonly #live = new Map<string, { session: RelaySession; done: Promise<void> }>();
  readonly #ended = new Map<string, SessionStatus>();
  #closed = false;

  constructor(options: RelayOptions = {}) {
    const output: OutputOptions = {
      backoff: { ...defaultBackoff, ...options.backoff },
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      chunkSize: options.chunkSize ?? 4096,
      softQueueBytes: options.softQueueBytes ?? 2 * 1024 * 1024,
      hardQueueBytes: options.hardQueueBytes ?? 24 * 1024 * 1024,
      stallTimeoutMs: options.stallTimeoutMs ?? 15_000,
      maxRejections: 5,
      ...(options.extraCa ? { extraCa: options.extraCa } : {}),
    };
    this.#options = {
      output, ffmpegPath: options.ffmpegPath ?? resolveFfmpegPath(), videoPath: options.videoPath ?? 'node',
      connectTimeoutMs: output.connectTimeoutMs, stallTimeoutMs: output.stallTimeoutMs, chunkSize: output.chunkSize,
      softQueueBytes: output.softQueueBytes, hardQueueBytes: output.hardQueueBytes,
      statusIntervalMs: options.statusIntervalMs ?? 1000, audioHoldMs: options.audioHoldMs ?? 50,
      transcodeBatchMs: options.transcodeBatchMs ?? 100, logger: options.logger ?? silentRelayLogger,
      keepEndedSessions: options.keepEndedSessions ?? 50,
    };
  }

  /** Relays one session until it ends (matches IngestSessionHandler). */
  async handle(session: IngestSession): Promise<void> {
    const sessionId = session.grant.sessionId;
    if (this.#closed) {
      session.close('RELAY_SHUTTING_DOWN', 'The relay is shutting down.');
      return;
    }
    // The same session id twice means the publisher reconnected: the newer connection wins.
    if (this.#live.has(sessionId)) await this.stopSession(sessionId);
    const relaySession = new RelaySession(session, {
      ffmpegPath: this.#options.ffmpegPath, videoPath: this.#options.videoPath, output: this.#options.output, statusIntervalMs: this.#options.statusIntervalMs,
      audioHoldMs: this.#options.audioHoldMs, transcodeBatchMs: this.#options.transcodeBatchMs,
      logger: this.#options.logger, killGraceMs: 1000,
    });
    const done = relaySession.run();
    this.#live.set(sessionId, { session: relaySession, done });
    this.#ended.delete(sessionId);
    try {
      await done;
    } finally {
      if (this.#live.get(sessionId)?.session === relaySession) this.#live.delete(sessionId);
      this.#remember(relaySession.status());
    }
  }

  #remember(status: SessionStatus): void {
    this.#ended.set(status.sessionId, status);
    while (this.#ended.size > this.#options.keepEndedSessions) {
      const oldest = this.#ended.keys().next();
      if (oldest.done === true) break;
      this.#ended.delete(oldest.value);
    }
  }

  status(sessionId: string): SessionStatus | undefined {
    return this.#live.get(sessionId)?.session.status() ?? this.#ended.get(sessionId);
  }

  /** Status of every live session (for /metrics). */
  liveStatuses(): SessionStatus[] {
    return [...this.#live.values()].map(({ session }) => session.status());
  }

  /** Ingest-added latency percentile over recent frames of a live session, ms (frame received → written to a destination socket). */
  latencyPercentile(sessionId: string, p: number, kind: 'video' | 'audio' = 'video'): number | null {
    const session = this.#live.get(sessionId)?.session;
    return (kind === 'video' ? session?.latency : session?.audioLatency)?.percentile(p) ?? null;
  }

  /** Forgets the latency samples so far (e.g. after start-up, which includes connecting). */
  resetLatency(sessionId: string): void {
    this.#live.get(sessionId)?.session.latency.clear();
    this.#live.get(sessionId)?.session.audioLatency.clear();
  }

  /** FFmpeg process ids of live sessions (CPU accounting in the benchmark). */
  processIds(): number[] {
    return [...this.#live.values()].flatMap(({ session }) => session.pids);
  }

  addDestination(sessionId: string, destination: RelayDestination): void {
    this.#require(sessionId).addDestination(destination);
  }

  removeDestination(sessionId: string, destinationId: string): void {
    this.#require(sessionId).removeDestination(destinationId);
  }

  #require(sessionId: string): RelaySession {
    const live = this.#live.get(sessionId);
    if (!live) throw new RelayError('RELAY_SESSION_NOT_FOUND');
    return live.session;
  }

  /** Ends a session and waits until its processes and sockets are gone (bounded: SIGTERM, then SIGKILL). */
  async stopSession(sessionId: string): Promise<void> {
    const live = this.#live.get(sessionId);
    if (!live) return;
    live.session.stop(new RelayError(this.#closed ? 'RELAY_SHUTTING_DOWN' : 'RELAY_SESSION_STOPPED'));
    await live.done;
  }

  /** Stops every session; all FFmpeg processes are gone when this resolves (within ~2 × kill grace). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#live.keys()].map((id) => this.stopSession(id)));
  }
}

import type { DestinationState, DestinationStatus } from '@streamhub/shared/relay-status';
import type { RelayDestination } from '../../live/contracts.ts';
import type { FlvTag } from '../flv/flv-tag-reader.ts';
import { RelayError } from '../relay-error.ts';
import { RateMeter } from '../stats/rate-meter.ts';
import { backoffDelayMs, type BackoffOptions } from './backoff.ts';
import { DropPolicy } from './drop-policy.ts';
import { RtmpPublisher } from './rtmp/rtmp-publisher.ts';

export interface OutputOptions {
  readonly backoff: BackoffOptions;
  /** Connect + RTMP handshake + publish must finish within this (a black hole never answers). */
  readonly connectTimeoutMs: number;
  readonly chunkSize: number;
  /** Extra CA certificates (PEM) for rtmps:// destinations, besides Node's bundled roots. */
  readonly extraCa?: readonly string[];
  /** Above this many unsent bytes, non-key video is dropped until the next keyframe. */
  readonly softQueueBytes: number;
  /** Above this many unsent bytes, or no progress for `stallTimeoutMs`, the connection is dropped and retried. */
  readonly hardQueueBytes: number;
  readonly stallTimeoutMs: number;
  /** Consecutive explicit rejections (bad key) before giving up with `failed`. */
  readonly maxRejections: number;
}

/** What an output needs from its session: the cached headers + GOP, and where to report. */
export interface OutputHost {
  snapshot(): { readonly headers: readonly FlvTag[]; readonly gop: readonly FlvTag[] };
  readonly videoExpected: boolean;
  /** Ingest-added latency of one frame that reached the kernel (not for GOP-cache bursts). */
  onLatency(kind: 'video' | 'audio', ms: number): void;
  onEvent(level: 'info' | 'warn', message: string): void;
}

type InternalState =
  | { readonly state: 'connecting' }
  | { readonly state: 'live'; readonly since: number; readonly sinceEpochMs: number }
  | { readonly state: 'retrying'; readonly retryAt: number; readonly attempt: number; readonly lastError: string }
  | { readonly state: 'failed'; readonly reason: string }
  | { readonly state: 'stopped' };

/**
 * One destination's output: its own RTMP connection, bounded queue, drop policy and reconnect loop.
 * Everything is non-blocking, so a destination that refuses, black-holes or stalls only ever delays
 * itself (STYLE.md: a slow destination drops its own frames, never stalls its siblings).
 */
export class DestinationOutput {
  readonly destination: RelayDestination;
  readonly #options: OutputOptions;
  readonly #host: OutputHost;
  #state: InternalState = { state: 'connecting' };
  #publisher: RtmpPublisher | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #stallTimer: NodeJS.Timeout | null = null;
  #attempt = 0;
  #rejections = 0;
  #offset: number | null = null;
  #policy = new DropPolicy(0, true);
  #droppedBefore = 0;
  #flushedBefore = 0;
  #progress = { bytes: 0, at: 0 };
  readonly #meter = new RateMeter();
  #stats = { framesSent: 0, reconnects: 0, uptimeMs: 0 };

  constructor(destination: RelayDestination, options: OutputOptions, host: OutputHost) {
    this.destination = destination;
    this.#options = options;
    this.#host = host;
  }

  /** Read through a method so the compiler does not narrow across the `await` above. */
  #stateNow(): InternalState['state'] {
    return this.#state.state;
  }

  start(): void {
    void this.#connect();
  }

  get isLive(): boolean {
    return this.#state.state === 'live';
  }

  async #connect(): Promise<void> {
    this.#state = { state: 'connecting' };
    try {
      const publisher = await RtmpPublisher.connect(this.destination.url, {
        timeoutMs: this.#options.connectTimeoutMs, chunkSize: this.#options.chunkSize, ...(this.#options.extraCa ? { extraCa: this.#options.extraCa } : {}),
      });
      if (this.#stateNow() !== 'connecting') { publisher.close(); return; }
      this.#publisher = publisher;
      publisher.onClose((error) => this.#fail(error));
      this.#goLive(publisher);
    } catch (error) {
      this.#fail(error instanceof RelayError ? error : new RelayError('RELAY_DESTINATION_CLOSED'));
    }
  }

  #goLive(publisher: RtmpPublisher): void {
    const now = performance.now();
    this.#state = { state: 'live', since: now, sinceEpochMs: Date.now() };
    this.#attempt = 0;
    this.#rejections = 0;
    this.#offset = null;
    this.#progress = { bytes: 0, at: now };
    this.#host.onEvent('info', `${this.destination.name}: live (${this.destination.redactedUrl})`);
    const { headers, gop } = this.#host.snapshot();
    this.#droppedBefore += this.#policy.dropped;
    this.#policy = new DropPolicy(this.#options.softQueueBytes, this.#host.videoExpected);
    this.push([...headers, ...gop], true);
    this.#stallTimer = setInterval(() => this.#checkStall(publisher), Math.min(1000, this.#options.stallTimeoutMs / 2));
    this.#stallTimer.unref();
  }

  #checkStall(publisher: RtmpPublisher): void {
    const flushed = publisher.bytesFlushed;
    const now = performance.now();
    if (flushed !== this.#progress.bytes || publisher.pendingBytes === 0) { this.#progress = { bytes: flushed, at: now }; return; }
    if (now - this.#progress.at >= this.#options.stallTimeoutMs) {
      this.#fail(new RelayError('RELAY_DESTINATION_STALLED', `No data accepted for ${Math.round((now - this.#progress.at) / 1000)} s.`));
    }
  }

  #fail(error: RelayError): void {
    if (this.#state.state === 'stopped' || this.#state.state === 'failed' || this.#state.state === 'retrying') return;
    this.#closeConnection();
    if (error.code === 'RELAY_DESTINATION_REJECTED') this.#rejections++;
    if (error.code === 'RELAY_DESTINATION_URL_INVALID' || this.#rejections >= this.#options.maxRejections) {
      this.#state = { state: 'failed', reason: error.message };
      this.#host.onEvent('warn', `${this.destination.name}: failed: ${error.message}`);
      return;
    }
    this.#attempt++;
    const delay = backoffDelayMs(this.#attempt, this.#options.backoff);
    this.#state = { state: 'retrying', retryAt: performance.now() + delay, attempt: this.#attempt, lastError: error.message };
    this.#host.onEvent('warn', `${this.destination.name}: ${error.code}: ${error.message} — retry ${this.#attempt} in ${delay} ms`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#stats.reconnects++;
      void this.#connect();
    }, delay);
  }

  /** `graceful`: the broadcast is over (FCUnpublish + deleteStream); otherwise the connection is dropped. */
  #closeConnection(graceful = false): void {
    if (this.#stallTimer) clearInterval(this.#stallTimer);
    this.#stallTimer = null;
    const publisher = this.#publisher;
    this.#publisher = null;
    if (!publisher) return;
    if (this.#state.state === 'live') this.#stats.uptimeMs += performance.now() - this.#state.since;
    this.#flushedBefore += publisher.bytesFlushed;
    if (graceful) publisher.end();
    else publisher.close();
  }

  /**
   * Takes the session's next FLV tags; sends what the drop policy allows, in one write.
   * `fromCache`: the GOP-cache burst of a new connection (old frames: no latency samples).
   */
  push(tags: readonly FlvTag[], fromCache = false): void {
    const publisher = this.#publisher;
    if (!publisher || this.#state.state !== 'live') return;
    if (publisher.pendingBytes > this.#options.hardQueueBytes) {
      this.#fail(new RelayError('RELAY_DESTINATION_STALLED', `More than ${Math.round(this.#options.hardQueueBytes / 1048576)} MiB waiting to be sent.`));
      return;
    }
    const batch: { tag: FlvTag; timestamp: number }[] = [];
    const received: number[] = [];
    const audioReceived: number[] = [];
    let frames = 0;
    for (const tag of tags) {
      if (!this.#policy.admit(tag, publisher.pendingBytes)) continue;
      const base = tag.kind === 'script' || tag.sequenceHeader ? tag.timestamp : (this.#offset ??= tag.timestamp);
      // Transcoded audio arrives a little after the video it belongs with: skip what precedes this connection's start.
      if (tag.kind === 'audio' && !tag.sequenceHeader && tag.timestamp < base) continue;
      batch.push({ tag, timestamp: Math.max(0, tag.timestamp - base) });
      if (tag.kind === 'video' && !tag.sequenceHeader) {
        frames++;
        if (tag.receivedAt !== null && !fromCache) received.push(tag.receivedAt);
      } else if (tag.kind === 'audio' && tag.receivedAt !== null && !fromCache) audioReceived.push(tag.receivedAt);
    }
    const bytes = publisher.send(batch, received.length === 0 && audioReceived.length === 0 ? undefined : () => {
      const now = performance.now();
      for (const at of received) this.#host.onLatency('video', now - at);
      for (const at of audioReceived) this.#host.onLatency('audio', now - at);
    });
    this.#stats.framesSent += frames;
    this.#meter.add(bytes, frames);
  }

  /** Waits until everything queued has reached the kernel (end of stream), at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const until = performance.now() + timeoutMs;
    this.#publisher?.flush();
    while (this.#publisher && this.#publisher.pendingBytes > 0 && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  stop(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#closeConnection(true);
    this.#state = { state: 'stopped' };
  }

  status(): DestinationStatus {
    const now = performance.now();
    const s = this.#state;
    const status: DestinationState = s.state === 'live' ? { state: 'live', sinceMs: s.sinceEpochMs }
      : s.state === 'retrying' ? { state: 'retrying', retryInMs: Math.max(0, Math.round(s.retryAt - now)), attempt: s.attempt, lastError: s.lastError }
        : s;
    return {
      id: this.destination.id, name: this.destination.name, platform: this.destination.platform,
      redactedUrl: this.destination.redactedUrl, status,
      bitrateKbps: this.#meter.kbps, fps: this.#meter.fps,
      framesSent: this.#stats.framesSent, framesDropped: this.#droppedBefore + this.#policy.dropped,
      bytesSent: this.#flushedBefore + (this.#publisher?.bytesFlushed ?? 0),
      reconnects: this.#stats.reconnects,
      uptimeMs: Math.round(this.#stats.uptimeMs + (s.state === 'live' ? now - s.since : 0)),
    };
  }
}

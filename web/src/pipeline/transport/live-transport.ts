import { encodeMessage } from '@streamhub/shared/wire/encode';
import { WIRE_VERSION, type WireMessage } from '@streamhub/shared/wire/messages';
import { micro, milli } from '@streamhub/shared/time';
import type { IngestTarget } from '../studio-engine.ts';
import type { SessionClock } from '../clock.ts';
import type { WirePacket } from '../packetize/packetizer.ts';
import { openWebSocket, openWebTransport, type Connection, type ConnectionOpener } from './connection.ts';
import type { SendQueue } from './send-queue.ts';

const GOODBYE_TIMEOUT_MS = 500;

export type TransportState = 'connecting' | 'connected' | 'fallback-websocket' | 'reconnecting' | 'closed';

export interface LiveTransportOptions {
  readonly target: IngestTarget;
  readonly queue: SendQueue;
  readonly clock: SessionClock;
  readonly onState: (state: TransportState, detail?: string) => void;
  readonly onMessage: (message: WireMessage) => void;
  /** Track messages to (re)send first on every connection; also asks the encoder for a keyframe. */
  readonly resume: () => WirePacket[];
  readonly connectTimeoutMs?: number;
  readonly openers?: { readonly webtransport: ConnectionOpener; readonly websocket: ConnectionOpener };
  readonly backoffMs?: readonly number[];
  readonly statsIntervalMs?: number;
  /**
   * Longest an audio frame waits to be sent with the next video frame (0: at once). Default
   * AUDIO_WITH_VIDEO_MS. Audio comes out of the encoder every 20 ms and video every 33 ms; sent
   * together, the ingest receives 30 bursts a second instead of 80, and each burst is one write
   * (measured on the relay bench: about a point of a core less for the ingest and its FFmpeg).
   */
  readonly audioHoldMs?: number;
}

/** Just over one frame interval at 30 fps: audio never waits longer than this for video. */
export const AUDIO_WITH_VIDEO_MS = 40;

const DEFAULT_BACKOFF = [500, 1000, 2000, 4000, 8000] as const;

/**
 * Keeps one connection to the ingest alive: WebTransport first, WebSocket when it is missing or
 * doesn't connect within the timeout; on loss, reconnects with backoff and resumes with the
 * track messages and a fresh keyframe.
 */
export class LiveTransport {
  readonly #options: LiveTransportOptions;
  #connection: Connection | null = null;
  #closed = false;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #sequence = 0;
  framesSent = 0;
  bytesSent = 0;
  sendLatencyMs: number | null = null;
  rttMs: number | null = null;
  transportRttMs: number | null = null;
  newestCapture = 0;

  constructor(options: LiveTransportOptions) {
    this.#options = options;
    void this.#run();
  }

  get kind(): Connection['kind'] | null { return this.#connection?.kind ?? null; }

  async #connect(): Promise<Connection> {
    const timeout = this.#options.connectTimeoutMs ?? 3000;
    const openers = this.#options.openers ?? { webtransport: openWebTransport, websocket: openWebSocket };
    try {
      return await openers.webtransport(this.#options.target, timeout);
    } catch (error) {
      this.#options.onState('fallback-websocket', error instanceof Error ? error.message : String(error));
      return openers.websocket(this.#options.target, timeout);
    }
  }

  async #run(): Promise<void> {
    let attempt = 0;
    const backoff = this.#options.backoffMs ?? DEFAULT_BACKOFF;
    this.#options.onState('connecting');
    while (!this.#closed) {
      try {
        const connection = await this.#connect();
        if (this.#isClosed()) { connection.close('closed'); return; }
        this.#connection = connection;
        await this.#session(connection, () => { attempt = 0; });
      } catch (error) {
        if (this.#isClosed()) return;
        this.#options.onState('reconnecting', error instanceof Error ? error.message : String(error));
      } finally {
        this.#connection?.close('reconnect');
        this.#connection = null;
        clearInterval(this.#statsTimer);
      }
      if (this.#isClosed()) return;
      const delay = backoff[Math.min(attempt, backoff.length - 1)] ?? 1000;
      attempt += 1;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** hello → hello-ok, then track messages and the queue until the connection fails. */
  async #session(connection: Connection, onUp: () => void): Promise<void> {
    const incoming = connection.incoming[Symbol.asyncIterator]();
    await connection.sendControl(encodeMessage({ type: 'hello', version: WIRE_VERSION, token: this.#options.target.token }));
    const first = await incoming.next();
    if (first.done === true) throw new Error('connection closed before hello-ok');
    if (first.value.type === 'error') throw new Error(`${first.value.code}: ${first.value.reason}`);
    if (first.value.type !== 'hello-ok') throw new Error(`expected hello-ok, got ${first.value.type}`);
    onUp();
    this.#options.onState('connected', connection.kind);
    // Order matters: drop queued declarations, then declare every known track once.
    this.#options.queue.resetToKeyframe();
    for (const packet of this.#options.resume()) await connection.sendMedia(packet.bytes);
    this.#statsTimer = setInterval(() => { void this.#sendStats(connection); }, this.#options.statsIntervalMs ?? 1000);
    const session = new AbortController();
    const reading = this.#read(incoming);
    const pumping = this.#pump(connection, session.signal);
    // The loser of the race may still settle later (e.g. a send on the dead connection): ignore it.
    reading.catch(() => undefined);
    pumping.catch(() => undefined);
    try {
      await Promise.race([pumping, reading]);
    } finally {
      // A pump still waiting on the queue must not take packets meant for the next connection.
      session.abort();
    }
  }

  async #read(incoming: AsyncIterator<WireMessage>): Promise<void> {
    for (;;) {
      const result = await incoming.next();
      if (result.done === true) throw new Error('ingest closed the connection');
      const value = result.value;
      if (value.type === 'ack') this.rttMs = performance.timeOrigin + performance.now() - value.echoedSentAt;
      if (value.type === 'goodbye') throw new Error(`goodbye: ${value.reason}`);
      this.#options.onMessage(value);
    }
  }

  async #pump(connection: Connection, signal: AbortSignal): Promise<void> {
    const holdMs = this.#options.audioHoldMs ?? AUDIO_WITH_VIDEO_MS;
    for (;;) {
      const packet = await this.#options.queue.next(signal);
      if (!packet) return;
      const batch = packet.kind === 'audio' && holdMs > 0 ? await this.#withNextVideo(packet, holdMs, signal) : [packet];
      if (signal.aborted) return; // the connection is going; the next one resumes at a keyframe
      await connection.sendMedia(batch.length === 1 ? packet.bytes : concatBytes(batch));
      for (const sent of batch) {
        if (sent.kind === 'control') continue;
        this.framesSent += 1;
        this.bytesSent += sent.bytes.byteLength;
        this.newestCapture = Math.max(this.newestCapture, sent.timestamp);
        this.sendLatencyMs = (this.#options.clock.now() - sent.timestamp) / 1000;
      }
    }
  }

  /** `first` (audio) and what the queue hands out next, up to and including a video or control packet, or for `holdMs`. */
  async #withNextVideo(first: WirePacket, holdMs: number, signal: AbortSignal): Promise<WirePacket[]> {
    const batch = [first];
    const deadline = performance.now() + holdMs;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return batch;
      const next = await this.#options.queue.next(AbortSignal.any([signal, AbortSignal.timeout(Math.ceil(left))]));
      if (!next) return batch;
      batch.push(next);
      if (next.kind !== 'audio') return batch;
    }
  }

  async #sendStats(connection: Connection): Promise<void> {
    try {
      this.transportRttMs = await connection.rttMs();
      await connection.sendControl(encodeMessage({
        type: 'stats', sequence: this.#sequence++, sentAt: milli(performance.timeOrigin + performance.now()),
        newestCaptureTimestamp: micro(this.newestCapture), framesSent: this.framesSent, framesDropped: this.#options.queue.dropped,
      }));
    } catch {
      // A failed stats write shows up as a failed media write too; the run loop reconnects.
    }
  }

  /** A method, not the field, so TypeScript doesn't narrow it across awaits. */
  #isClosed(): boolean { return this.#closed; }

  /**
   * Ends the session: a `goodbye` first (best effort, at most GOODBYE_TIMEOUT_MS) so the ingest
   * records a stop rather than a dropped connection, then the connection closes.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#statsTimer);
    const connection = this.#connection;
    if (connection) {
      const goodbye = connection.sendControl(encodeMessage({ type: 'goodbye', reason: 'stopped' })).catch(() => undefined);
      await Promise.race([goodbye, new Promise((resolve) => setTimeout(resolve, GOODBYE_TIMEOUT_MS))]);
      connection.close('stopped');
    }
    this.#options.onState('closed');
  }
}

/** The packets' bytes in one buffer: wire messages are length-prefixed, so one write may carry several. */
function concatBytes(packets: readonly WirePacket[]): Uint8Array {
  const out = new Uint8Array(packets.reduce((n, p) => n + p.bytes.byteLength, 0));
  let at = 0;
  for (const p of packets) { out.set(p.bytes, at); at += p.bytes.byteLength; }
  return out;
}

/**
 * One WebTransport session (draft-ietf-webtrans-http3-02): the extended CONNECT stream that
 * established it (RFC 9220 §3) plus the uni/bidi streams that name it by session ID (§4.1, §4.2).
 * The same class serves the server and the Node client.
 */
import { encodeFrame, FrameType, StreamType } from '../h3/frames.ts';
import { encodeCloseSession, type SessionClose } from '../h3/capsules.ts';
import type { HeaderField } from '../h3/qpack.ts';
import { concatBytes, encodeVarint } from '../h3/varint.ts';
import { AsyncQueue } from './async-queue.ts';
import type { QuicConnection } from './quic-connection.ts';
import { QuicReceiveSide, QuicSendSide, type StreamCounters } from './streams.ts';

export type WebTransportCloseInfo = SessionClose;

/** What a stream's readable errors with (and a pending write rejects with) when its session ends first. */
export class WebTransportSessionClosedError extends Error {
  override readonly name = 'WebTransportSessionClosedError';
  readonly code: number;
  readonly reason: string;

  constructor(info: WebTransportCloseInfo) {
    super(`WebTransport session closed (${info.code})`);
    this.code = info.code;
    this.reason = info.reason;
  }
}

/** A stream the local side writes (outgoing uni, or the write half of a bidi stream). */
export interface WebTransportSendStream {
  readonly id: number;
  /** Resolves when QUIC has accepted all bytes (flow control); await before the next write. */
  write(bytes: Uint8Array): Promise<void>;
  /** FIN after the bytes written so far. */
  close(): Promise<void>;
  /** RESET_STREAM with an application code. */
  reset(code?: number): void;
}

export interface WebTransportBidirectionalStream extends WebTransportSendStream {
  readonly readable: ReadableStream<Uint8Array>;
}

export interface WebTransportSessionStats {
  readonly bytesReceived: number;
  readonly bufferedBytes: number;
  readonly openStreams: number;
  readonly datagramsReceived: number;
}

/** What a session needs from the HTTP/3 connection that carries it. */
export interface SessionHost {
  readonly quic: QuicConnection;
  allocateStreamId(bidirectional: boolean): number;
  registerStream(streamId: number, side: QuicReceiveSide | undefined, session: WebTransportSession): void;
  unregisterStream(streamId: number): void;
  /** Called once when the session ended; `peerInitiated` is false for a local close. */
  sessionEnded(session: WebTransportSession, peerInitiated: boolean): void;
}

export interface SessionInit {
  readonly host: SessionHost;
  readonly id: number;
  readonly path: string;
  readonly headers: readonly HeaderField[];
  /** Write half of the CONNECT stream (for the close capsule). */
  readonly connectStream: QuicSendSide;
  readonly maxQueuedStreams: number;
}

export class WebTransportSession {
  /** The session ID: the stream ID of the extended CONNECT request (draft-02 §2). */
  readonly id: number;
  readonly path: string;
  readonly headers: readonly HeaderField[];
  readonly closed: Promise<WebTransportCloseInfo>;
  private readonly host: SessionHost;
  private readonly connectStream: QuicSendSide;
  private readonly uni: AsyncQueue<ReadableStream<Uint8Array>>;
  private readonly bidi: AsyncQueue<WebTransportBidirectionalStream>;
  private readonly receivers = new Map<number, QuicReceiveSide>();
  private readonly senders = new Map<number, QuicSendSide>();
  private readonly counters: StreamCounters = { bytesReceived: 0, bufferedBytes: 0 };
  private resolveClosed!: (info: WebTransportCloseInfo) => void;
  private ended = false;

  constructor(init: SessionInit) {
    this.host = init.host;
    this.id = init.id;
    this.path = init.path;
    this.headers = init.headers;
    this.connectStream = init.connectStream;
    this.uni = new AsyncQueue(init.maxQueuedStreams);
    this.bidi = new AsyncQueue(init.maxQueuedStreams);
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** Unidirectional streams the peer opened, each a byte stream pulled on demand. */
  get incomingUnidirectionalStreams(): AsyncIterable<ReadableStream<Uint8Array>> {
    return this.uni;
  }

  get incomingBidirectionalStreams(): AsyncIterable<WebTransportBidirectionalStream> {
    return this.bidi;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  stats(): WebTransportSessionStats {
    return {
      bytesReceived: this.counters.bytesReceived,
      bufferedBytes: this.counters.bufferedBytes,
      openStreams: this.receivers.size + this.senders.size,
      datagramsReceived: this.host.quic.datagramsReceived,
    };
  }

  /** Opens a unidirectional stream: type 0x54 + session ID, then data (draft-02 §4.1). */
  async createUnidirectionalStream(): Promise<WebTransportSendStream> {
    const id = this.openLocal(false);
    const send = this.trackSender(id);
    await send.write(concatBytes([encodeVarint(StreamType.WEBTRANSPORT_UNI), encodeVarint(this.id)]));
    return sendStreamView(id, send);
  }

  /** Opens a bidirectional stream: WEBTRANSPORT_STREAM 0x41 + session ID, then data (draft-02 §4.2). */
  async createBidirectionalStream(): Promise<WebTransportBidirectionalStream> {
    const id = this.openLocal(true);
    const send = this.trackSender(id);
    const receive = this.trackReceiver(id, { fin: false });
    await send.write(concatBytes([encodeVarint(FrameType.WEBTRANSPORT_STREAM), encodeVarint(this.id)]));
    return { ...sendStreamView(id, send), readable: receive.readable };
  }

  /**
   * Closes the session: CLOSE_WEBTRANSPORT_SESSION capsule in a DATA frame, then FIN on the CONNECT
   * stream (draft-02 §5); the host then closes the QUIC connection. Idempotent.
   */
  close(info: WebTransportCloseInfo = { code: 0, reason: '' }): void {
    if (this.ended) return;
    void this.connectStream.writeAndClose(encodeFrame(FrameType.DATA, encodeCloseSession(info))).catch(() => undefined);
    this.finish(info, false);
  }

  /** @internal A uni stream for this session arrived (header already consumed). */
  acceptUnidirectional(streamId: number, initial: { bytes?: Uint8Array; fin: boolean }): void {
    const receive = this.trackReceiver(streamId, initial);
    if (!this.uni.push(receive.readable)) receive.stop(STREAM_REJECTED);
  }

  /** @internal A bidi stream for this session arrived (signal already consumed). */
  acceptBidirectional(streamId: number, initial: { bytes?: Uint8Array; fin: boolean }): void {
    const receive = this.trackReceiver(streamId, initial);
    const send = this.trackSender(streamId);
    if (!this.bidi.push({ ...sendStreamView(streamId, send), readable: receive.readable })) {
      receive.stop(STREAM_REJECTED);
      send.reset(STREAM_REJECTED);
    }
  }

  /** @internal The peer closed the session (capsule, FIN, reset or connection loss). */
  peerClosed(info: WebTransportCloseInfo): void {
    if (this.ended) return;
    void this.connectStream.close().catch(() => undefined);
    this.finish(info, true);
  }

  private finish(info: WebTransportCloseInfo, peerInitiated: boolean): void {
    this.ended = true;
    const gone = new WebTransportSessionClosedError(info);
    for (const [id, receive] of this.receivers) {
      receive.abort(gone);
      this.host.unregisterStream(id);
    }
    for (const [id, send] of this.senders) {
      send.fail(gone);
      send.reset(SESSION_GONE);
      this.host.unregisterStream(id);
    }
    this.receivers.clear();
    this.senders.clear();
    for (const stream of this.uni.end()) void stream.cancel().catch(() => undefined);
    for (const stream of this.bidi.end()) void stream.readable.cancel().catch(() => undefined);
    this.resolveClosed(info);
    this.host.sessionEnded(this, peerInitiated);
  }

  private openLocal(bidirectional: boolean): number {
    if (this.ended) throw new Error('WebTransport session is closed');
    return this.host.allocateStreamId(bidirectional);
  }

  private trackReceiver(streamId: number, initial: { bytes?: Uint8Array; fin: boolean }): QuicReceiveSide {
    const receive = new QuicReceiveSide(this.host.quic, streamId, this.counters, initial, () => {
      this.receivers.delete(streamId);
      if (!this.senders.has(streamId)) this.host.unregisterStream(streamId);
    });
    this.receivers.set(streamId, receive);
    this.host.registerStream(streamId, receive, this);
    return receive;
  }

  private trackSender(streamId: number): QuicSendSide {
    const send = new QuicSendSide(this.host.quic, streamId, this.counters, () => {
      this.senders.delete(streamId);
      if (!this.receivers.has(streamId)) this.host.unregisterStream(streamId);
    });
    this.senders.set(streamId, send);
    if (!this.receivers.has(streamId)) this.host.registerStream(streamId, undefined, this);
    return send;
  }
}

/** Application codes for streams refused or cut off (draft-02 §4.3 maps them into the HTTP/3 space). */
const STREAM_REJECTED = 0x3994bd84; // WEBTRANSPORT_BUFFERED_STREAM_REJECTED (draft-02 §4.4)
const SESSION_GONE = 0x170d7b68; // WEBTRANSPORT_SESSION_GONE (later drafts; Chromium accepts any code)

function sendStreamView(id: number, send: QuicSendSide): WebTransportSendStream {
  return {
    id,
    write: (bytes) => send.write(bytes),
    close: () => send.close(),
    reset: (code = 0) => send.reset(code),
  };
}

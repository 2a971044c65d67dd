/**
 * HTTP/3 (RFC 9114) on one QUIC connection, as much as WebTransport needs: the control streams
 * and SETTINGS (§6.2.1, §7.2.4), QPACK streams read and ignored (capacity 0, RFC 9204 §4.2),
 * extended CONNECT request streams (RFC 9220, in request-stream.ts) and the routing of
 * WebTransport streams to their session (draft-ietf-webtrans-http3-02 §4).
 */
import { H3Error, H3ErrorCode } from '../h3/errors.ts';
import { decodeGoaway, decodeSettings, encodeFrame, encodeGoaway, encodeSettings, FrameReader, FrameType, isRequestOnlyFrame, SettingId, StreamType } from '../h3/frames.ts';
import { concatBytes, encodeVarint } from '../h3/varint.ts';
import type { QuicConnection, QuicConnectionHandler } from './quic-connection.ts';
import { Shutdown } from './quic-connection.ts';
import { RequestStream, type RequestHost, type RequestStreamOwner } from './request-stream.ts';
import type { WebTransportSession } from './session.ts';
import { drainStream, HeaderReader } from './stream-reading.ts';
import { QuicSendSide, type QuicReceiveSide } from './streams.ts';

/** Our SETTINGS (issue 4: what Chromium 156 needs for draft-02 WebTransport). */
const LOCAL_SETTINGS = new Map<number, number>([
  [SettingId.QPACK_MAX_TABLE_CAPACITY, 0],
  [SettingId.QPACK_BLOCKED_STREAMS, 0],
  [SettingId.ENABLE_CONNECT_PROTOCOL, 1],
  [SettingId.H3_DATAGRAM, 1],
  [SettingId.ENABLE_WEBTRANSPORT, 1],
]);

const MAX_CONTROL_FRAME = 16 * 1024;
/** A session's CONNECT stream closes the connection this long after a local close if the peer never FINs. */
const CLOSE_GRACE_MS = 1_000;

export interface H3ConnectionOptions {
  readonly role: 'server' | 'client';
  readonly quic: QuicConnection;
  /** Server: decides on an extended CONNECT. */
  readonly owner: RequestStreamOwner;
  readonly maxQueuedStreams: number;
}

type PeerUniKind = 'control' | 'qpack' | 'ignored';

export class H3Connection implements QuicConnectionHandler, RequestHost {
  readonly quic: QuicConnection;
  readonly role: 'server' | 'client';
  peerSettings: Map<number, number> | undefined;
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private readonly owner: RequestStreamOwner;
  private readonly maxQueuedStreams: number;
  private nextUni: number;
  private nextBidi: number;
  private control: QuicSendSide | undefined;
  private controlChain: Promise<void> = Promise.resolve();
  private readonly controlReader = new FrameReader(MAX_CONTROL_FRAME);
  private readonly pendingHeaders = new Map<number, HeaderReader>();
  private readonly peerUni = new Map<number, PeerUniKind>();
  private readonly requests = new Map<number, RequestStream>();
  /** Session (CONNECT) streams readable in this flush, read after the others (see onReadableDone). */
  private readonly readableRequests: number[] = [];
  private readonly wtStreams = new Map<number, { side: QuicReceiveSide | undefined; session: WebTransportSession }>();
  private readonly sessions = new Set<WebTransportSession>();
  private readonly settingsWaiters: (() => void)[] = [];
  private maxPeerBidi = -1;
  private closeTimer: NodeJS.Timeout | undefined;
  private goawaySent = false;
  /** Why the connection closed (undefined: idle timeout or still open). */
  closeError: { code: number; reason: string; fromPeer: boolean } | undefined;
  /** Stream ID from the peer's GOAWAY, if one arrived. */
  goawayReceived: number | undefined;

  constructor(options: H3ConnectionOptions) {
    this.quic = options.quic;
    this.role = options.role;
    this.owner = options.owner;
    this.maxQueuedStreams = options.maxQueuedStreams;
    // RFC 9000 §2.1: the low two bits of a stream ID are initiator (0 client) and direction (2 uni).
    this.nextUni = this.role === 'client' ? 2 : 3;
    this.nextBidi = this.role === 'client' ? 0 : 1;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.quic.handler = this;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get goingAway(): boolean {
    return this.goawaySent;
  }

  allocateStreamId(bidirectional: boolean): number {
    const id = bidirectional ? this.nextBidi : this.nextUni;
    if (bidirectional) {
      this.nextBidi += 4;
      this.quic.watch(id); // the peer answers on it
    } else {
      this.nextUni += 4;
    }
    return id;
  }

  registerStream(streamId: number, side: QuicReceiveSide | undefined, session: WebTransportSession): void {
    this.wtStreams.set(streamId, { side, session });
  }

  unregisterStream(streamId: number): void {
    this.wtStreams.delete(streamId);
  }

  addSession(session: WebTransportSession): void {
    this.sessions.add(session);
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
  }

  sessionById(id: number): WebTransportSession | undefined {
    for (const session of this.sessions) if (session.id === id) return session;
    return undefined;
  }

  /**
   * Chromium keeps a connection open until its idle timeout after the session ends (issue 4), so the
   * connection closes with the last session: at once after a peer close, after the peer's FIN (or a
   * grace period) after a local close, so the close capsule is delivered first.
   */
  sessionEnded(session: WebTransportSession, peerInitiated: boolean): void {
    this.sessions.delete(session);
    if (this.sessions.size > 0) return;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = setTimeout(() => this.quic.close(H3ErrorCode.NO_ERROR), peerInitiated ? 20 : CLOSE_GRACE_MS);
  }

  /** The peer FINed a CONNECT stream whose session we closed: nothing left to wait for. */
  connectStreamDone(): void {
    if (this.sessions.size === 0 && this.closeTimer) {
      clearTimeout(this.closeTimer);
      this.closeTimer = setTimeout(() => this.quic.close(H3ErrorCode.NO_ERROR), 20);
    }
  }

  /** Resolves once the peer's SETTINGS arrived (RFC 9220 §3: no extended CONNECT before). */
  settingsReceived(): Promise<void> {
    if (this.peerSettings) return Promise.resolve();
    return new Promise((resolve) => this.settingsWaiters.push(resolve));
  }

  /** GOAWAY (RFC 9114 §5.2, §7.2.6): requests on bidi streams from this ID up are not processed. */
  goaway(): void {
    if (this.goawaySent || !this.control) return;
    this.goawaySent = true;
    this.writeControl(encodeGoaway(this.role === 'server' ? this.maxPeerBidi + 4 : 0));
  }

  /** Closes every session with `info` (server shutdown). */
  closeSessions(info: { code: number; reason: string }): void {
    for (const session of [...this.sessions]) session.close(info);
  }

  /** Closes the whole connection with an HTTP/3 error (connection errors, RFC 9114 §8). */
  fail(error: H3Error): void {
    this.quic.close(error.code, error.message.slice(0, 100));
  }

  onEstablished(): void {
    const id = this.allocateStreamId(false);
    this.control = new QuicSendSide(this.quic, id, { bytesReceived: 0, bufferedBytes: 0 }, () => undefined);
    this.writeControl(concatBytes([encodeVarint(StreamType.CONTROL), encodeFrame(FrameType.SETTINGS, encodeSettings(LOCAL_SETTINGS))]));
  }

  onReadable(streamId: number): void {
    this.guarded(() => this.dispatch(streamId));
  }

  /**
   * A CONNECT stream's close capsule ends its session and aborts the session's streams, so it is
   * read after them: data a peer sent before closing (e.g. an error message and FIN on a stream)
   * reaches its reader first, whatever order quiche lists the streams in.
   */
  onReadableDone(): void {
    for (const streamId of this.readableRequests.splice(0)) {
      const request = this.requests.get(streamId);
      if (request) this.guarded(() => this.readRequest(request));
    }
  }

  /** A peer must never crash the process: anything unexpected ends only this connection. */
  private guarded(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.fail(error instanceof H3Error ? error : new H3Error(H3ErrorCode.INTERNAL_ERROR, 'internal error'));
    }
  }

  private readRequest(request: RequestStream): void {
    if (request.onReadable() !== 'open') this.requests.delete(request.streamId);
  }

  onClosed(error: { code: number; reason: string; fromPeer: boolean } | undefined): void {
    this.closeError = error;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    for (const session of [...this.sessions]) session.peerClosed({ code: 0, reason: error?.reason ?? '' });
    for (const request of this.requests.values()) request.connectionClosed(error);
    this.requests.clear();
    this.wtStreams.clear();
    for (const resolve of this.settingsWaiters.splice(0)) resolve();
    this.resolveClosed();
  }

  private writeControl(bytes: Uint8Array): void {
    const control = this.control;
    if (!control) return;
    this.controlChain = this.controlChain.then(() => control.write(bytes)).catch(() => undefined);
  }

  private dispatch(streamId: number): void {
    const wt = this.wtStreams.get(streamId);
    if (wt) {
      if (wt.side) wt.side.onReadable();
      else this.quic.conn.streamShutdown(streamId, Shutdown.Read, 0);
      return;
    }
    const request = this.requests.get(streamId);
    if (request) {
      if (!request.hasSession) this.readRequest(request);
      else if (!this.readableRequests.includes(streamId)) this.readableRequests.push(streamId);
      return;
    }
    const kind = this.peerUni.get(streamId);
    if (kind) {
      this.readPeerUni(streamId, kind);
      return;
    }
    const peerInitiated = (streamId & 1) === (this.role === 'server' ? 0 : 1);
    if (!peerInitiated) {
      drainStream(this.quic.conn, streamId, () => undefined); // a local stream we already forgot
      return;
    }
    this.classify(streamId);
  }

  /** A new peer stream: read its type (uni) or first varint (bidi) and route it. */
  private classify(streamId: number): void {
    const uni = (streamId & 2) === 2;
    let reader = this.pendingHeaders.get(streamId);
    if (!reader) {
      reader = new HeaderReader(uni
        ? (type) => (type === StreamType.WEBTRANSPORT_UNI ? 2 : 1)
        : (type) => (type === FrameType.WEBTRANSPORT_STREAM ? 2 : 1));
      this.pendingHeaders.set(streamId, reader);
    }
    const header = reader.read(this.quic.conn, streamId);
    if (header === undefined) return;
    this.pendingHeaders.delete(streamId);
    if (header === 'reset' || header === 'fin-early') return;
    const [type = -1, sessionId = -1] = header.values;
    const rest = header.rest.length > 0 ? header.rest : undefined;
    const initial = { ...(rest ? { bytes: rest } : {}), fin: header.fin };
    if (!uni) {
      this.maxPeerBidi = Math.max(this.maxPeerBidi, streamId);
      if (type === FrameType.WEBTRANSPORT_STREAM) this.routeWebTransport(streamId, sessionId, initial, true);
      else this.openRequest(streamId, header.raw, header.fin);
      return;
    }
    if (type === StreamType.WEBTRANSPORT_UNI) this.routeWebTransport(streamId, sessionId, initial, false);
    else this.acceptPeerUni(streamId, type, rest, header.fin);
  }

  private routeWebTransport(streamId: number, sessionId: number, initial: { bytes?: Uint8Array; fin: boolean }, bidi: boolean): void {
    const session = this.sessionById(sessionId);
    if (!session || session.isClosed) {
      // draft-02 §4.4: streams for an unknown session may be buffered or rejected; we reject.
      this.quic.conn.streamShutdown(streamId, Shutdown.Read, H3ErrorCode.WEBTRANSPORT_BUFFERED_STREAM_REJECTED);
      if (bidi) this.quic.conn.streamShutdown(streamId, Shutdown.Write, H3ErrorCode.WEBTRANSPORT_BUFFERED_STREAM_REJECTED);
      return;
    }
    if (bidi) session.acceptBidirectional(streamId, initial);
    else session.acceptUnidirectional(streamId, initial);
  }

  private openRequest(streamId: number, raw: Uint8Array, fin: boolean): void {
    const request = new RequestStream({ h3: this, owner: this.owner, streamId, maxQueuedStreams: this.maxQueuedStreams });
    this.requests.set(streamId, request);
    if (request.start(raw, fin) !== 'open') this.requests.delete(streamId);
  }

  /** Registers our own CONNECT request stream (client role). */
  trackRequest(request: RequestStream): void {
    this.requests.set(request.streamId, request);
  }

  private acceptPeerUni(streamId: number, type: number, rest: Uint8Array | undefined, fin: boolean): void {
    // RFC 9114 §6.2: one control stream, §6.2.1; QPACK streams, RFC 9204 §4.2; unknown types are
    // abandoned with H3_STREAM_CREATION_ERROR (§6.2: "MUST NOT consider it an error").
    let kind: PeerUniKind;
    if (type === StreamType.CONTROL) {
      if ([...this.peerUni.values()].includes('control')) throw new H3Error(H3ErrorCode.STREAM_CREATION_ERROR, 'second control stream');
      kind = 'control';
    } else if (type === StreamType.QPACK_ENCODER || type === StreamType.QPACK_DECODER) {
      kind = 'qpack';
    } else {
      this.quic.conn.streamShutdown(streamId, Shutdown.Read, H3ErrorCode.STREAM_CREATION_ERROR);
      return;
    }
    this.peerUni.set(streamId, kind);
    if (rest) this.onPeerUniBytes(kind, rest);
    if (fin && kind === 'control') throw new H3Error(H3ErrorCode.CLOSED_CRITICAL_STREAM, 'control stream closed');
    if (!fin) this.readPeerUni(streamId, kind);
  }

  private readPeerUni(streamId: number, kind: PeerUniKind): void {
    const result = drainStream(this.quic.conn, streamId, (bytes) => this.onPeerUniBytes(kind, bytes));
    if (result !== 'open' && kind === 'control') {
      throw new H3Error(H3ErrorCode.CLOSED_CRITICAL_STREAM, 'control stream closed'); // RFC 9114 §6.2.1
    }
  }

  private onPeerUniBytes(kind: PeerUniKind, bytes: Uint8Array): void {
    // With a zero-capacity table the peer's QPACK streams carry nothing we act on (RFC 9204 §4.2).
    if (kind !== 'control') return;
    this.controlReader.push(bytes);
    for (let frame = this.controlReader.next(); frame; frame = this.controlReader.next()) {
      if (!this.peerSettings) {
        if (frame.type !== FrameType.SETTINGS) throw new H3Error(H3ErrorCode.MISSING_SETTINGS, 'first control frame is not SETTINGS');
        this.peerSettings = decodeSettings(frame.payload);
        for (const resolve of this.settingsWaiters.splice(0)) resolve();
      } else if (frame.type === FrameType.SETTINGS || isRequestOnlyFrame(frame.type)) {
        throw new H3Error(H3ErrorCode.FRAME_UNEXPECTED, `frame 0x${frame.type.toString(16)} on control stream`);
      } else if (frame.type === FrameType.GOAWAY) {
        // The server closes its sessions itself after GOAWAY; the client only stops opening new ones.
        this.goawayReceived = decodeGoaway(frame.payload);
      }
      // MAX_PUSH_ID, CANCEL_PUSH and reserved types: nothing to do (no server push).
    }
  }
}

/**
 * One QUIC connection driven over quiche's native bindings: feeds received datagrams in, runs the
 * send loop and the loss/idle timer (RFC 9000 §10, RFC 9002 §6), and tells the layer above which
 * streams became readable or writable. All work for a burst of datagrams is coalesced into one
 * flush (setImmediate), so ACKs and responses leave together.
 *
 * Finding readable streams: quiche's `readable()` costs ~20–30 µs a call (the bindings build a
 * native iterator object each time), ~0.15 % of a core at one publisher's 50 flushes a second.
 * A flush asks quiche about the streams it already knows (`streamReadable`, ~0.2 µs each) and
 * about the peer's next stream IDs, which RFC 9000 §2.1 makes sequential (IDs step by 4 per type);
 * the full walk runs every FULL_WALK_MS at most and catches what that misses: a stream whose first
 * bytes arrive before those of a lower-numbered stream of the same type.
 */
import type { Socket } from 'node:dgram';
import { MAX_DATAGRAM_SIZE, quiche, type HostPort, type NativeConnection } from './native.ts';

/** What the HTTP/3 layer implements to hear from the connection. */
export interface QuicConnectionHandler {
  /** The TLS handshake completed (RFC 9001 §4.1.1); 1-RTT streams may be used. */
  onEstablished(): void;
  /** quiche reports the stream readable (data, FIN or reset). Called on every flush while it stays so. */
  onReadable(streamId: number): void;
  /** Every `onReadable` of this flush was made. */
  onReadableDone(): void;
  /** The connection is closed for good; every resource above must be released. */
  onClosed(error: { readonly code: number; readonly reason: string; readonly fromPeer: boolean } | undefined): void;
}

export interface QuicConnectionOptions {
  readonly conn: NativeConnection;
  readonly socket: Socket;
  readonly local: HostPort;
  readonly peer: HostPort;
  readonly role: 'server' | 'client';
}

const decoder = new TextDecoder();

/**
 * Full walks are at least this far apart. A readable stream only the walk can find is noticed
 * within FULL_WALK_MS while packets arrive, within 2 × FULL_WALK_MS when they stop.
 */
export const FULL_WALK_MS = 100;

export class QuicConnection {
  readonly conn: NativeConnection;
  readonly local: HostPort;
  peer: HostPort;
  handler: QuicConnectionHandler | undefined;
  private readonly socket: Socket;
  private timer: NodeJS.Timeout | undefined;
  /** Reused for every datagram: quiche only reads it, and a new object per packet is GC churn. */
  private recvInfo: { from: HostPort; to: HostPort };
  /** The next send buffer; replaced only once a packet was handed to dgram. */
  private spare = Buffer.allocUnsafe(MAX_DATAGRAM_SIZE);
  private flushQueued = false;
  private dispatching = false;
  /** Datagrams arrived since the last dispatch: only then can a stream have become readable. */
  private received = false;
  private established = false;
  private finished = false;
  /** Streams that have had something to read (or were opened here to be read): checked per flush. */
  private readonly known = new Set<number>();
  /** The peer's next unidirectional and bidirectional stream IDs not yet seen (RFC 9000 §2.1). */
  private nextPeerUni: number;
  private nextPeerBidi: number;
  private lastFullWalk = Number.NEGATIVE_INFINITY;
  /** Runs a due full walk when no packet comes to trigger one (see dispatchReadable). */
  private walkTimer: NodeJS.Timeout | undefined;
  /** Streams with bytes quiche did not take yet (flow control); retried on every flush. */
  private readonly blockedWriters = new Map<number, () => void>();
  datagramsReceived = 0;

  constructor(options: QuicConnectionOptions) {
    this.conn = options.conn;
    this.socket = options.socket;
    this.local = options.local;
    this.peer = options.peer;
    this.recvInfo = { from: this.peer, to: this.local };
    // The low bit of a stream ID is its initiator: 0 client, 1 server (RFC 9000 §2.1).
    const peerBit = options.role === 'server' ? 0 : 1;
    this.nextPeerBidi = peerBit;
    this.nextPeerUni = 2 | peerBit;
  }

  /** A stream opened here whose receive side the layer above reads (a bidirectional request stream). */
  watch(streamId: number): void {
    this.known.add(streamId);
  }

  get isClosed(): boolean {
    return this.finished;
  }

  /** Feeds one UDP datagram (quiche decrypts in place: the buffer is consumed). */
  receive(data: Buffer, host: string, port: number): void {
    if (this.finished) return;
    if (this.peer.port !== port || this.peer.host !== host) {
      this.peer = { host, port };
      this.recvInfo = { from: this.peer, to: this.local };
    }
    // Set even when recv throws: packets coalesced before the bad one were processed.
    this.received = true;
    try {
      this.conn.recv(data, this.recvInfo);
    } catch {
      // quiche already recorded a local error and is closing; a bad packet is otherwise dropped.
    }
    this.scheduleFlush();
  }

  /** Coalesces work: one flush per turn of the event loop. */
  scheduleFlush(): void {
    // Reads and writes made while a flush dispatches are sent by that flush's send loop.
    if (this.flushQueued || this.dispatching || this.finished) return;
    this.flushQueued = true;
    setImmediate(this.flush);
  }

  /** Registers a writer to be retried when quiche may have capacity again. */
  whenWritable(streamId: number, retry: () => void): void {
    this.blockedWriters.set(streamId, retry);
  }

  forgetWriter(streamId: number): void {
    this.blockedWriters.delete(streamId);
  }

  /**
   * Builds packets for what quiche holds now rather than on the next turn, then flushes as usual.
   * For a FIN just written: quiche 0.18 considers a send stream complete once its data is
   * acknowledged and its final size known, and collects it on the next ACK even if the STREAM
   * frame carrying a zero-length FIN was never built (cloudflare/quiche#2525). A datagram received
   * before a deferred flush (the ACK of the last data) would drop the FIN, and the peer would wait
   * for the end of the stream until the idle timeout (RFC 9000 §3.1: the FIN must be sent).
   */
  sendNow(): void {
    if (this.finished) return;
    this.sendPackets();
    this.scheduleFlush(); // re-arms the timer for the packets just sent
  }

  /** Closes with an HTTP/3 application error code (RFC 9114 §8.1); idempotent. */
  close(code: number, reason = ''): void {
    if (this.finished) return;
    try {
      this.conn.close(true, code, new TextEncoder().encode(reason));
    } catch {
      // Already closing ("Done").
    }
    this.scheduleFlush();
  }

  readonly flush = (): void => {
    this.flushQueued = false;
    if (this.finished) return;
    this.dispatching = true;
    try {
      if (!this.established && this.conn.isEstablished()) {
        this.established = true;
        this.handler?.onEstablished();
      }
      if (this.established) this.dispatchStreams();
    } finally {
      this.dispatching = false;
    }
    this.sendPackets();
    this.armTimer();
  };

  private dispatchStreams(): void {
    // Stream data, resets and datagrams only come with packets: a flush for a write or a timer
    // skips this. A reader that left data unread pulls it from quiche itself; only a waiting
    // reader needs the wake-up, and it waits for new packets.
    if (this.received) {
      this.received = false;
      const handler = this.handler;
      if (handler) {
        this.dispatchReadable(handler);
        handler.onReadableDone();
      }
      // RFC 9221 datagrams are not used by the ingest: drain and count them so quiche's queue never fills.
      while (this.conn.dgramRecvQueueLen() > 0 && this.conn.dgramRecvVec() !== null) this.datagramsReceived += 1;
    }
    if (this.blockedWriters.size > 0) {
      const writers = [...this.blockedWriters.values()];
      this.blockedWriters.clear();
      for (const retry of writers) retry();
    }
  }

  /** Calls `onReadable` for every readable stream: known ones, the peer's next ones, and a periodic full walk. */
  private dispatchReadable(handler: QuicConnectionHandler): void {
    const conn = this.conn;
    const now = performance.now();
    if (now - this.lastFullWalk >= FULL_WALK_MS) {
      this.fullWalk(handler, now);
      return;
    }
    for (const streamId of this.known) {
      if (conn.streamReadable(streamId)) handler.onReadable(streamId);
    }
    for (;;) {
      const uni = conn.streamReadable(this.nextPeerUni);
      const streamId = uni ? this.nextPeerUni : this.nextPeerBidi;
      if (!uni && !conn.streamReadable(streamId)) break;
      this.found(handler, streamId);
    }
    // What only the full walk finds must not wait for a packet that may never come (the peer has
    // sent everything). The timer gives packets a period's grace: with a 30 fps publisher a flush
    // walks first and the timer never fires.
    this.walkTimer ??= setTimeout(this.onWalkDue, this.lastFullWalk + 2 * FULL_WALK_MS - now);
  }

  private fullWalk(handler: QuicConnectionHandler, now: number): void {
    this.lastFullWalk = now;
    if (this.walkTimer) clearTimeout(this.walkTimer);
    this.walkTimer = undefined;
    for (const streamId of this.conn.readable()) this.found(handler, streamId);
    this.forgetFinished();
  }

  /** A readable stream seen by the full walk or at the peer's next ID: known from now on. */
  private found(handler: QuicConnectionHandler, streamId: number): void {
    this.known.add(streamId);
    this.skipPast(streamId);
    handler.onReadable(streamId);
  }

  private readonly onWalkDue = (): void => {
    this.walkTimer = undefined;
    this.received = true; // as if packets came: the next flush looks for readable streams
    this.scheduleFlush();
  };

  /** The peer opened `streamId`, so every lower ID of its type too (RFC 9000 §3.2). */
  private skipPast(streamId: number): void {
    if ((streamId & 1) !== (this.nextPeerUni & 1)) return;
    if ((streamId & 2) === 2) this.nextPeerUni = Math.max(this.nextPeerUni, streamId + 4);
    else this.nextPeerBidi = Math.max(this.nextPeerBidi, streamId + 4);
  }

  /** Drops streams quiche has nothing more to give for (read to the end, reset, or collected). */
  private forgetFinished(): void {
    for (const streamId of this.known) {
      if (!this.conn.streamReadable(streamId) && this.conn.streamFinished(streamId)) this.known.delete(streamId);
    }
  }

  private sendPackets(): void {
    let packet = this.spare;
    for (;;) {
      let result;
      try {
        result = this.conn.send(packet);
      } catch {
        break;
      }
      if (result === null) break;
      const [length, info] = result;
      // dgram may send asynchronously: each packet keeps its own buffer until sent.
      this.socket.send(packet, 0, length, info.to.port, info.to.host);
      packet = Buffer.allocUnsafe(MAX_DATAGRAM_SIZE);
    }
    this.spare = packet;
  }

  private armTimer(): void {
    if (this.conn.isClosed()) {
      this.finish();
      return;
    }
    const timeout = this.conn.timeout();
    if (this.timer) clearTimeout(this.timer);
    this.timer = timeout === null ? undefined : setTimeout(this.onTimer, timeout + 1);
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if (this.finished) return;
    this.conn.onTimeout();
    this.flush();
  };

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.walkTimer) clearTimeout(this.walkTimer);
    this.walkTimer = undefined;
    const peerError = this.conn.peerError();
    const localError = this.conn.localError();
    const error = peerError ?? localError;
    this.blockedWriters.clear();
    this.handler?.onClosed(
      error ? { code: error.errorCode, reason: decoder.decode(error.reason), fromPeer: error === peerError } : undefined,
    );
  }

  /** Forces the end (socket closing): no more packets are sent. */
  destroy(): void {
    if (!this.conn.isClosed()) {
      try {
        this.conn.close(true, 0x100, new Uint8Array(0));
      } catch {
        // Already closing.
      }
      this.sendPackets();
    }
    this.finish();
  }
}

export const Shutdown = quiche.Shutdown;

/**
 * One QUIC connection driven over quiche's native bindings: feeds received datagrams in, runs the
 * send loop and the loss/idle timer (RFC 9000 §10, RFC 9002 §6), and tells the layer above which
 * streams became readable or writable. All work for a burst of datagrams is coalesced into one
 * flush (setImmediate), so ACKs and responses leave together.
 */
import type { Socket } from 'node:dgram';
import { MAX_DATAGRAM_SIZE, quiche, type HostPort, type NativeConnection } from './native.ts';

/** What the HTTP/3 layer implements to hear from the connection. */
export interface QuicConnectionHandler {
  /** The TLS handshake completed (RFC 9001 §4.1.1); 1-RTT streams may be used. */
  onEstablished(): void;
  /** quiche reports the stream readable (data, FIN or reset). Called on every flush while it stays so. */
  onReadable(streamId: number): void;
  /** The connection is closed for good; every resource above must be released. */
  onClosed(error: { readonly code: number; readonly reason: string; readonly fromPeer: boolean } | undefined): void;
}

export interface QuicConnectionOptions {
  readonly conn: NativeConnection;
  readonly socket: Socket;
  readonly local: HostPort;
  readonly peer: HostPort;
}

const decoder = new TextDecoder();

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
  /** Streams with bytes quiche did not take yet (flow control); retried on every flush. */
  private readonly blockedWriters = new Map<number, () => void>();
  datagramsReceived = 0;

  constructor(options: QuicConnectionOptions) {
    this.conn = options.conn;
    this.socket = options.socket;
    this.local = options.local;
    this.peer = options.peer;
    this.recvInfo = { from: this.peer, to: this.local };
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
    // skips the readable() walk (a native iterator per call). A reader that left data unread pulls
    // it from quiche itself; only a waiting reader needs the wake-up, and it waits for new packets.
    if (this.received) {
      this.received = false;
      const handler = this.handler;
      if (handler) for (const streamId of this.conn.readable()) handler.onReadable(streamId);
      // RFC 9221 datagrams are not used by the ingest: drain and count them so quiche's queue never fills.
      while (this.conn.dgramRecvQueueLen() > 0 && this.conn.dgramRecvVec() !== null) this.datagramsReceived += 1;
    }
    if (this.blockedWriters.size > 0) {
      const writers = [...this.blockedWriters.values()];
      this.blockedWriters.clear();
      for (const retry of writers) retry();
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

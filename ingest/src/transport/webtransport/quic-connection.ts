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
  private flushQueued = false;
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
  }

  get isClosed(): boolean {
    return this.finished;
  }

  /** Feeds one UDP datagram (quiche decrypts in place: the buffer is consumed). */
  receive(data: Buffer, from: HostPort): void {
    if (this.finished) return;
    this.peer = from;
    try {
      this.conn.recv(data, { from, to: this.local });
    } catch {
      // quiche already recorded a local error and is closing; a bad packet is otherwise dropped.
    }
    this.scheduleFlush();
  }

  /** Coalesces work: one flush per turn of the event loop. */
  scheduleFlush(): void {
    if (this.flushQueued || this.finished) return;
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
    if (!this.established && this.conn.isEstablished()) {
      this.established = true;
      this.handler?.onEstablished();
    }
    if (this.established) this.dispatchStreams();
    this.sendPackets();
    this.armTimer();
  };

  private dispatchStreams(): void {
    const handler = this.handler;
    if (handler) for (const streamId of this.conn.readable()) handler.onReadable(streamId);
    if (this.blockedWriters.size > 0) {
      const writers = [...this.blockedWriters.values()];
      this.blockedWriters.clear();
      for (const retry of writers) retry();
    }
    // RFC 9221 datagrams are not used by the ingest: drain and count them so quiche's queue never fills.
    while (this.conn.dgramRecvQueueLen() > 0 && this.conn.dgramRecvVec() !== null) this.datagramsReceived += 1;
  }

  private sendPackets(): void {
    let packet = Buffer.allocUnsafe(MAX_DATAGRAM_SIZE);
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

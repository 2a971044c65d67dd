/**
 * WebTransport stream objects over quiche streams. Receiving is pull-based: quiche is read only
 * when the consumer asks for the next chunk, so unread data stays inside QUIC flow control
 * (RFC 9000 §4.1) and the sender is throttled. Sending keeps at most one pending write per stream.
 */
import { Shutdown, type QuicConnection } from './quic-connection.ts';

/** Largest chunk handed to a consumer per read. */
const READ_CHUNK = 64 * 1024;
const scratch = Buffer.allocUnsafe(READ_CHUNK);

/** Per-session byte counters, shared by its streams (for memory accounting). */
export interface StreamCounters {
  bytesReceived: number;
  /** Bytes read from quiche (stream headers' leftovers) or accepted for sending, not yet passed on. */
  bufferedBytes: number;
}

const streamErrorCode = (error: unknown): number | undefined => {
  const match = error instanceof Error ? /Stream(?:Reset|Stopped)\((\d+)\)/.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
};

export class StreamResetError extends Error {
  override readonly name = 'StreamResetError';
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** The readable half: a ReadableStream<Uint8Array> that pulls from quiche on demand. */
export class QuicReceiveSide {
  readonly readable: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private waiting: (() => void) | undefined;
  private first: Uint8Array | undefined;
  private done = false;
  private readonly quic: QuicConnection;
  readonly streamId: number;
  private readonly counters: StreamCounters;
  private readonly onFinish: () => void;

  /** True when the stream's FIN was already read along with its header. */
  private initialFin: boolean;

  constructor(quic: QuicConnection, streamId: number, counters: StreamCounters, initial: { bytes?: Uint8Array; fin: boolean }, onFinish: () => void) {
    this.quic = quic;
    this.streamId = streamId;
    this.counters = counters;
    this.onFinish = onFinish;
    this.initialFin = initial.fin;
    if (initial.bytes && initial.bytes.length > 0) {
      this.first = initial.bytes;
      counters.bufferedBytes += initial.bytes.length;
    }
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => this.pull(),
        cancel: () => this.stop(0),
      },
      { highWaterMark: 0 },
    );
  }

  /** quiche says there is something to read; wakes a waiting pull. */
  onReadable(): void {
    const wake = this.waiting;
    this.waiting = undefined;
    wake?.();
  }

  /** Ends the readable with an error (session closed, connection lost). */
  abort(reason: Error): void {
    if (this.done) return;
    this.markDone();
    this.releaseFirst();
    this.controller.error(reason);
    this.onReadable();
  }

  /** STOP_SENDING (RFC 9000 §19.5) with `code` and end locally. */
  stop(code: number): void {
    if (this.done) return;
    this.markDone();
    this.releaseFirst();
    try {
      this.quic.conn.streamShutdown(this.streamId, Shutdown.Read, code);
    } catch {
      // Stream already finished.
    }
    this.quic.scheduleFlush();
    this.onReadable();
  }

  get finished(): boolean {
    return this.done;
  }

  private endOfStream(): void {
    this.markDone();
    this.controller.close();
  }

  private markDone(): void {
    this.done = true;
    this.onFinish();
  }

  private releaseFirst(): void {
    if (this.first) this.counters.bufferedBytes -= this.first.length;
    this.first = undefined;
  }

  private pull(): Promise<void> | undefined {
    if (this.done) return undefined;
    if (this.first) {
      const chunk = this.first;
      this.releaseFirst();
      this.counters.bytesReceived += chunk.length;
      this.controller.enqueue(chunk);
      if (this.initialFin) this.endOfStream();
      return undefined;
    }
    if (this.initialFin) {
      this.endOfStream();
      return undefined;
    }
    return new Promise<void>((resolve) => {
      const attempt = (): void => {
        if (this.done || this.readOnce()) {
          resolve();
          return;
        }
        this.waiting = attempt;
      };
      attempt();
    });
  }

  /** One quiche read; true when the pull is satisfied (data, end or error). */
  private readOnce(): boolean {
    let result: [number, boolean] | null;
    try {
      result = this.quic.conn.streamRecv(this.streamId, scratch);
    } catch (error) {
      const code = streamErrorCode(error);
      this.markDone();
      this.controller.error(new StreamResetError(code ?? 0, `stream ${this.streamId} reset by peer`));
      return true;
    }
    if (result === null) {
      // FIN already consumed (e.g. with the header): quiche reports Done, not a zero-length FIN.
      if (this.quic.conn.streamFinished(this.streamId)) {
        this.endOfStream();
        return true;
      }
      return false;
    }
    const [length, fin] = result;
    // Reading opens the flow-control window: let quiche send MAX_STREAM_DATA soon.
    this.quic.scheduleFlush();
    if (length > 0) {
      this.counters.bytesReceived += length;
      this.controller.enqueue(Uint8Array.prototype.slice.call(scratch, 0, length));
    }
    if (fin) {
      this.endOfStream();
      return true;
    }
    return length > 0;
  }
}

/** The writable half: `write` resolves once quiche has taken every byte (flow control = backpressure). */
export class QuicSendSide {
  private pending: { bytes: Uint8Array; fin: boolean; resolve: () => void; reject: (e: Error) => void } | undefined;
  private ended = false;
  private failure: Error | undefined;
  private readonly quic: QuicConnection;
  readonly streamId: number;
  private readonly counters: StreamCounters;
  private readonly onFinish: () => void;
  private finished = false;

  constructor(quic: QuicConnection, streamId: number, counters: StreamCounters, onFinish: () => void) {
    this.quic = quic;
    this.streamId = streamId;
    this.counters = counters;
    this.onFinish = onFinish;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.enqueue(bytes, false);
  }

  /** Sends FIN after everything written so far. */
  close(): Promise<void> {
    return this.enqueue(new Uint8Array(0), true);
  }

  /** Writes the last bytes with FIN. */
  writeAndClose(bytes: Uint8Array): Promise<void> {
    return this.enqueue(bytes, true);
  }

  /** RESET_STREAM (RFC 9000 §19.4); pending writes fail. */
  reset(code: number): void {
    this.fail(new StreamResetError(code, `stream ${this.streamId} reset locally`));
    try {
      this.quic.conn.streamShutdown(this.streamId, Shutdown.Write, code);
    } catch {
      // Already finished.
    }
    this.quic.scheduleFlush();
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.ended = true;
    this.markFinished();
    const pending = this.pending;
    this.pending = undefined;
    this.quic.forgetWriter(this.streamId);
    if (pending) {
      this.counters.bufferedBytes -= pending.bytes.length;
      pending.reject(error);
    }
  }

  private markFinished(): void {
    if (this.finished) return;
    this.finished = true;
    this.onFinish();
  }

  private enqueue(bytes: Uint8Array, fin: boolean): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.reject(new Error(`stream ${this.streamId} is closed`));
    if (this.pending) return Promise.reject(new Error('write while a previous write is pending; await it first'));
    if (fin) this.ended = true;
    return new Promise<void>((resolve, reject) => {
      this.pending = { bytes, fin, resolve, reject };
      this.counters.bufferedBytes += bytes.length;
      this.tryWrite();
    });
  }

  private readonly tryWrite = (): void => {
    const pending = this.pending;
    if (!pending) return;
    let written: number | null;
    try {
      // quiche applies FIN only if every byte fits; `null` means no capacity now (Done).
      written = this.quic.conn.streamSend(this.streamId, pending.bytes, pending.fin);
    } catch (error) {
      const code = streamErrorCode(error);
      this.fail(new StreamResetError(code ?? 0, `stream ${this.streamId} stopped by peer`));
      return;
    }
    if (written === null) {
      this.quic.whenWritable(this.streamId, this.tryWrite);
      return;
    }
    this.counters.bufferedBytes -= written;
    const finWritten = pending.fin && written >= pending.bytes.length;
    // A FIN goes into a packet before any further datagram is processed (see QuicConnection.sendNow).
    if (finWritten) this.quic.sendNow();
    else this.quic.scheduleFlush();
    if (written >= pending.bytes.length) {
      this.pending = undefined;
      if (pending.fin) this.markFinished();
      pending.resolve();
      return;
    }
    pending.bytes = pending.bytes.subarray(written);
    this.quic.whenWritable(this.streamId, this.tryWrite);
  };

}

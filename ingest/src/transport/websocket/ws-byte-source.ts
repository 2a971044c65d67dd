import type { RawData } from 'ws';
import type { WebSocket } from '@fastify/websocket';
import { IngestTransportError } from '../session/types.ts';

/**
 * Turns a server-side WebSocket into the byte source the session layer reads
 * (`AsyncIterable<Uint8Array>`), with backpressure: once `highWaterBytes` are buffered here the
 * socket is paused (ws `pause()` stops reading the TCP socket, so the kernel window and then the
 * publisher's send buffer fill up) and resumed when the reader has drained below the low-water mark.
 *
 * Framing: the WebSocket carries the wire protocol as a byte stream. A WebSocket message may hold
 * any number of whole or partial wire messages; the wire decoder reassembles them by their length
 * prefixes (shared/src/wire). A text message fails the source with INGEST_BINARY_ONLY.
 */
export interface WsByteSourceOptions {
  readonly highWaterBytes: number;
}

export interface WsByteSource extends AsyncIterable<Uint8Array> {
  /** True while reading is paused for backpressure (keepalive treats a paused peer as alive). */
  readonly paused: boolean;
  /** Bytes received so far (WebSocket payloads). */
  readonly bytesReceived: number;
  /** Detaches listeners, drops unread chunks and ends the iteration. Idempotent. */
  close(): void;
  /** Like `close`, but the iteration throws `IngestTransportError(code)` so the session reports it. */
  fail(code: string, reason: string): void;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

export function webSocketByteSource(socket: WebSocket, options: WsByteSourceOptions): WsByteSource {
  const chunks: Uint8Array[] = [];
  let buffered = 0;
  let paused = false;
  let ended = false;
  let failure: IngestTransportError | undefined;
  let bytesReceived = 0;
  let wake: (() => void) | undefined;
  const lowWater = Math.floor(options.highWaterBytes / 4);

  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onMessage = (data: RawData, isBinary: boolean): void => {
    if (ended) return;
    if (!isBinary) {
      fail('INGEST_BINARY_ONLY', 'The ingest accepts binary messages only.');
      return;
    }
    const bytes = toBytes(data);
    bytesReceived += bytes.byteLength;
    chunks.push(bytes);
    buffered += bytes.byteLength;
    if (!paused && buffered >= options.highWaterBytes) {
      paused = true;
      socket.pause();
    }
    notify();
  };
  const finish = (): void => {
    if (ended) return;
    ended = true;
    // A paused socket could not read the close handshake; nothing is buffered past this point.
    if (paused) {
      paused = false;
      socket.resume();
    }
    socket.off('message', onMessage);
    socket.off('close', finish);
    notify();
  };
  // 'error' is the connection's to handle (it maps it to a code with `fail`); ws always follows it with 'close'.
  socket.on('message', onMessage);
  socket.on('close', finish);

  async function* iterate(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      for (;;) {
        const chunk = chunks.shift();
        if (chunk) {
          buffered -= chunk.byteLength;
          if (paused && buffered <= lowWater) {
            paused = false;
            socket.resume();
          }
          yield chunk;
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      finish();
      chunks.length = 0;
      buffered = 0;
    }
  }

  const close = (): void => {
    // A local close discards what was not read yet; a peer close lets the reader drain it.
    chunks.length = 0;
    buffered = 0;
    finish();
  };
  function fail(code: string, reason: string): void {
    if (ended) return;
    failure = new IngestTransportError(code, reason);
    close();
  }

  return {
    get paused() {
      return paused;
    },
    get bytesReceived() {
      return bytesReceived;
    },
    close,
    fail,
    [Symbol.asyncIterator]: iterate,
  };
}

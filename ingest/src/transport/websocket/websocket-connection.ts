import type { WebSocket } from '@fastify/websocket';
import { closeCodeFor } from '../session/close-codes.ts';
import type { IngestTransportIO } from '../session/types.ts';
import { webSocketByteSource, type WsByteSource } from './ws-byte-source.ts';

export interface WebSocketConnectionOptions {
  /** Bytes buffered from the socket before it is paused (backpressure). */
  readonly highWaterBytes: number;
  /** How long the close handshake may take before the TCP connection is cut. */
  readonly closeTimeoutMs: number;
}

/**
 * One publisher's WebSocket as the session layer sees it (`IngestTransportIO`), plus the liveness
 * state the plugin's shared keepalive timer checks.
 */
export class WebSocketConnection {
  readonly io: IngestTransportIO;
  readonly #socket: WebSocket;
  readonly #source: WsByteSource;
  readonly #closeTimeoutMs: number;
  #alive = true;
  #closing = false;
  #killTimer: NodeJS.Timeout | undefined;

  constructor(socket: WebSocket, options: WebSocketConnectionOptions) {
    this.#socket = socket;
    this.#closeTimeoutMs = options.closeTimeoutMs;
    this.#source = webSocketByteSource(socket, { highWaterBytes: options.highWaterBytes });
    const markAlive = (): void => {
      this.#alive = true;
    };
    socket.on('pong', markAlive);
    socket.on('message', markAlive);
    socket.once('close', () => {
      clearTimeout(this.#killTimer);
      socket.off('pong', markAlive);
      socket.off('message', markAlive);
    });
    // ws reports frame-level violations here and closes the socket itself (1009 for a message above
    // maxPayload, 1002 for the others); the session records them under a registry code.
    socket.on('error', (error: Error & { code?: string }) => {
      const tooLarge = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || error.code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH';
      this.#source.fail(tooLarge ? 'WIRE_TOO_LARGE' : 'INGEST_TRANSPORT_PROTOCOL', tooLarge ? 'WebSocket message above the size cap.' : 'WebSocket protocol violation.');
    });
    this.io = {
      transport: 'websocket',
      source: this.#source,
      send: (bytes) => this.#send(bytes),
      close: (code) => this.#close(code),
    };
  }

  /**
   * Called by the keepalive timer: closes a peer that did not answer the previous ping (unless it
   * is paused by our own backpressure, when its pongs cannot be read), otherwise pings it.
   */
  keepalive(): void {
    if (this.#closing || this.#socket.readyState !== this.#socket.OPEN) return;
    if (!this.#alive && !this.#source.paused) {
      this.#source.fail('INGEST_KEEPALIVE_TIMEOUT', 'The publisher stopped answering keepalive pings.');
      return;
    }
    this.#alive = false;
    this.#socket.ping();
  }

  /**
   * Server shutdown: the session reports INGEST_SHUTTING_DOWN (1001 going away) if it is reading;
   * one blocked on a slow relay is ended by the hub's own shutdown.
   */
  shutdown(): void {
    this.#source.fail('INGEST_SHUTTING_DOWN', 'The ingest is shutting down; reconnect shortly.');
  }

  #send(bytes: Uint8Array): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    try {
      this.#socket.send(bytes, { binary: true });
    } catch {
      // Best effort by contract: a socket that fails to send is closing anyway.
    }
  }

  /**
   * The close reason is the registry code itself: short (RFC 6455 §5.5 caps it at 123 bytes),
   * machine-readable, and never a secret; the text went in the `error` message before.
   */
  #close(code: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#source.close();
    if (this.#socket.readyState === this.#socket.CLOSED) return;
    try {
      this.#socket.close(closeCodeFor(code).websocket, code);
    } catch {
      this.#socket.terminate();
      return;
    }
    this.#killTimer = setTimeout(() => this.#socket.terminate(), this.#closeTimeoutMs);
    this.#killTimer.unref();
  }
}

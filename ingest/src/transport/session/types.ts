import type { IngestGrant, IngestSession } from '../../live/contracts.ts';

/**
 * What a transport (WebSocket, WebTransport) gives the session layer for one publisher connection.
 * The session layer knows nothing else about the transport.
 */
export interface IngestTransportIO {
  readonly transport: IngestSession['transport'];
  /**
   * The publisher's bytes: one byte stream in order, in arbitrary chunks (WebSocket), or
   * `{ streams }`, the byte streams the publisher opens over time (WebTransport: its bidi control
   * stream and media uni streams). Each stream is decoded on its own and merged at message
   * boundaries; `hello` must come first (the publisher waits for `hello-ok` before opening media
   * streams) and a `track` must travel on the same stream as its frames. Streams end when the
   * peer goes away or `close` is called. The session layer pulls only as fast as the relay
   * consumes, so the transport must not read ahead without bound. A stream may throw an
   * `IngestTransportError` to end the session with a transport-level code.
   */
  readonly source: AsyncIterable<Uint8Array> | MultiStreamSource;
  /** Sends encoded wire bytes to the publisher; best effort, never throws. */
  send(bytes: Uint8Array): void;
  /**
   * Closes the connection with a registry code (map it with `closeCodeFor`); idempotent. Must make
   * `source` end. `reason` is safe to show (no secrets).
   */
  close(code: string, reason: string): void;
}

/**
 * Thrown by a transport's `source` when the transport itself ends the session (a text WebSocket
 * message, a missed keepalive): the session layer reports `code` to the publisher and closes.
 */
export class IngestTransportError extends Error {
  readonly code: string;

  constructor(code: string, reason: string) {
    super(reason);
    this.name = 'IngestTransportError';
    this.code = code;
  }
}

/** Several byte streams of one session, arriving over time (see `IngestTransportIO.source`). */
export interface MultiStreamSource {
  readonly streams: AsyncIterable<AsyncIterable<Uint8Array>>;
}

/** Limits shared by every transport; one set per ingest. */
export interface IngestLimits {
  /** Time a new connection has to deliver `hello` (issue 4: 5 s). */
  readonly helloTimeoutMs: number;
  /** Largest wire message (after the length prefix) accepted. */
  readonly maxMessageBytes: number;
  /** Decoded messages waiting for the relay, per session, before reading pauses. */
  readonly queueMaxMessages: number;
  /** Payload bytes waiting for the relay, per session, before reading pauses. */
  readonly queueMaxBytes: number;
}

export const defaultIngestLimits: IngestLimits = {
  helloTimeoutMs: 5_000,
  maxMessageBytes: 8 * 1024 * 1024,
  queueMaxMessages: 256,
  queueMaxBytes: 2 * 1024 * 1024,
};

/** Refusal of an authenticated session before it starts (e.g. the per-user cap). */
export interface AdmissionRefusal {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
}

export type Admission = { readonly ok: true; readonly release: () => void } | AdmissionRefusal;

/** Decides whether an authenticated grant may start a session now; `release` is called when it ends. */
export type AdmitSession = (grant: IngestGrant) => Admission;

/** Where transports hand new connections (implemented by `live/live-hub.ts`). */
export interface IngestAcceptor {
  readonly limits: IngestLimits;
  /** Runs one connection to its end; never rejects. */
  accept(io: IngestTransportIO): Promise<void>;
}

/**
 * Contracts between the ingest's parts, so each side can be built and tested alone:
 *   API (modules/stream)  ──grant──▶  transport (transport/*)  ──messages──▶  relay (media/*)
 * `live/live-hub.ts` (the one place that knows the whole flow) wires them together.
 */
import type { Platform } from '@streamhub/shared/platforms';
import type { WireMessage } from '@streamhub/shared';
import type { SessionStatus } from '@streamhub/shared/relay-status';

/** A destination as the relay needs it. `url` holds the stream key: never log it, use `redactedUrl`. */
export interface RelayDestination {
  readonly id: string;
  readonly name: string;
  readonly platform: Platform;
  /** Full RTMP(S) target including the stream key. Secret. */
  readonly url: string;
  /** Same URL with the key replaced by `****` + last 4 characters; safe for logs and API responses. */
  readonly redactedUrl: string;
}

/** What a valid ingest token grants: one stream session of one user. */
export interface IngestGrant {
  readonly sessionId: string;
  readonly userId: string;
  readonly destinations: readonly RelayDestination[];
  readonly record: boolean;
  readonly maxVideoBitrateKbps: number;
}

export type ConsumeResult =
  | { readonly ok: true; readonly grant: IngestGrant }
  | { readonly ok: false; readonly code: 'AUTH_TOKEN_INVALID' | 'AUTH_TOKEN_EXPIRED' | 'AUTH_TOKEN_REUSED'; readonly message: string };

/** Implemented by the API (modules/stream): verifies a single-use ingest token and marks it used. */
export interface IngestAuthority {
  consume(token: string): Promise<ConsumeResult>;
}

/**
 * One authenticated publisher session as a transport hands it over: a typed async source of decoded,
 * validated wire messages (track and frame messages; hello is already consumed), plus a way back to
 * the publisher for `ack`/`status`/`error` messages.
 */
export interface IngestSession {
  readonly grant: IngestGrant;
  readonly transport: 'webtransport' | 'websocket';
  readonly messages: AsyncIterable<WireMessage>;
  /** Sends a control message back to the publisher (best effort; never throws). */
  send(message: WireMessage): void;
  /** Closes the session with a registry code; idempotent. */
  close(code: string, reason: string): void;
  /** Resolves when the session has ended, whoever ended it. */
  readonly closed: Promise<void>;
}

/** Implemented by the relay side: takes over an authenticated session until it ends. */
export type IngestSessionHandler = (session: IngestSession) => Promise<void>;

/** Where publishers connect; `POST /api/stream/start` hands these to the studio. */
export interface IngestEndpoints {
  readonly webtransportUrl: string;
  readonly websocketUrl: string;
  /** SHA-256 of the WebTransport certificate, for `serverCertificateHashes` (empty with a CA certificate). */
  readonly certificateHashes: readonly { readonly algorithm: 'sha-256'; readonly value: string }[];
}

/** Implemented by the relay: live status for the API, and ending a session from the API. */
export interface RelayControl {
  status(sessionId: string): SessionStatus | undefined;
  stopSession(sessionId: string): Promise<void>;
}

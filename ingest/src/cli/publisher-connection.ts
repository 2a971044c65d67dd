import type { AckMessage, HelloOkMessage, WireMessage } from '@streamhub/shared';

/** Why a publisher connection ended or could not start: a registry code, or CONNECT_FAILED. */
export class PublishError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'PublishError';
    this.code = code;
  }
}

export interface PublisherEvents {
  onAck?(ack: AckMessage): void;
  onStatus?(json: string): void;
}

/**
 * One authenticated publisher session, whatever the transport (WebSocket here; WebTransport from
 * transport/webtransport when it exists). Implementations send one wire message per `send`.
 */
export interface PublisherConnection {
  readonly helloOk: HelloOkMessage;
  /** Sends one message; resolves when the transport has room for more (sender-side backpressure). */
  send(message: WireMessage): Promise<void>;
  /** Set once the server ended the session (its `error` code, or INGEST_SESSION_ENDED). */
  readonly failure: PublishError | undefined;
  /** Resolves when the connection is closed, with the reason it closed. */
  readonly closed: Promise<PublishError>;
  /** Sends goodbye and waits (up to `timeoutMs`) for the server to close. */
  goodbye(reason: string, timeoutMs: number): Promise<void>;
  /** Closes at once. Idempotent. */
  close(): void;
}

export type ConnectPublisher = (url: URL, token: string, events: PublisherEvents) => Promise<PublisherConnection>;

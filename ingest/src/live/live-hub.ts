import type { IngestAuthority, IngestGrant, IngestSession, IngestSessionHandler } from './contracts.ts';
import { runIngestSession, type IngestSessionOutcome, type SessionLog } from '../transport/session/ingest-session.ts';
import {
  defaultIngestLimits, type Admission, type IngestAcceptor, type IngestLimits, type IngestTransportIO,
} from '../transport/session/types.ts';

export interface LiveHubOptions {
  /** Verifies and burns ingest tokens (modules/stream). */
  readonly authority: IngestAuthority;
  /** Takes over each authenticated session (the media relay). */
  readonly handler: IngestSessionHandler;
  /** Concurrent live sessions one user may hold, over all transports together. */
  readonly maxSessionsPerUser: number;
  readonly limits?: Partial<IngestLimits>;
  readonly log?: SessionLog;
  /**
   * Connections allowed in the hello phase at once (not yet authenticated), over all transports;
   * more are closed with INGEST_BUSY. Bounds what a flood of idle connections can hold. Default 256.
   */
  readonly maxPendingHandshakes?: number;
  /** How long `close` waits for handlers to finish after their sessions were told to end. Default 5 s. */
  readonly shutdownGraceMs?: number;
  /** Called with each finished session's outcome (metrics, tests). */
  readonly onSessionEnd?: (outcome: IngestSessionOutcome) => void;
}

/**
 * The one place that wires transport sessions to the relay: every transport (WebSocket,
 * WebTransport) hands its connections to `accept`, which authenticates them with the authority,
 * caps live sessions per user across transports, and hands the session to the relay handler.
 */
export class LiveHub implements IngestAcceptor {
  readonly limits: IngestLimits;
  readonly #options: LiveHubOptions;
  readonly #perUser = new Map<string, number>();
  readonly #connections = new Set<Promise<void>>();
  /** Transport of each live (authenticated) session, by stream session id, for `GET /api/stream/status`. */
  readonly #transports = new Map<string, IngestSession['transport']>();
  readonly #shutdown = new AbortController();
  #pendingHandshakes = 0;

  constructor(options: LiveHubOptions) {
    if (!Number.isInteger(options.maxSessionsPerUser) || options.maxSessionsPerUser < 1) {
      throw new RangeError('maxSessionsPerUser must be a positive integer');
    }
    this.#options = options;
    this.limits = { ...defaultIngestLimits, ...options.limits };
  }

  /** Live (authenticated) sessions of one user. */
  sessionsOf(userId: string): number {
    return this.#perUser.get(userId) ?? 0;
  }

  /** The transport a stream session's publisher uses, while it is connected. */
  transportOf(sessionId: string): IngestSession['transport'] | undefined {
    return this.#transports.get(sessionId);
  }

  /** Open connections, authenticated or still in the hello phase. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Runs one connection to its end. Never rejects. */
  accept(io: IngestTransportIO): Promise<void> {
    if (this.#shutdown.signal.aborted) {
      io.close('INGEST_SHUTTING_DOWN', 'The ingest is shutting down; reconnect shortly.');
      return Promise.resolve();
    }
    if (this.#pendingHandshakes >= (this.#options.maxPendingHandshakes ?? 256)) {
      io.close('INGEST_BUSY', 'Too many connections are starting; retry shortly.');
      return Promise.resolve();
    }
    this.#pendingHandshakes += 1;
    let pending = true;
    const handshakeOver = (): void => {
      if (pending) this.#pendingHandshakes -= 1;
      pending = false;
    };
    const done = runIngestSession({
      io,
      authority: this.#options.authority,
      handler: async (session) => {
        this.#transports.set(session.grant.sessionId, session.transport);
        try {
          await this.#options.handler(session);
        } finally {
          this.#transports.delete(session.grant.sessionId);
        }
      },
      limits: this.limits,
      admit: (grant) => {
        handshakeOver();
        return this.#admit(grant);
      },
      signal: this.#shutdown.signal,
      ...(this.#options.log ? { log: this.#options.log } : {}),
    }).then((outcome) => {
      handshakeOver();
      this.#connections.delete(done);
      this.#options.log?.info({ ...outcome }, 'ingest session ended');
      this.#options.onSessionEnd?.(outcome);
    });
    this.#connections.add(done);
    return done;
  }

  /** Closes every connection with INGEST_SHUTTING_DOWN and waits (up to the grace period) until their sessions ended. */
  async close(): Promise<void> {
    this.#shutdown.abort();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.#options.shutdownGraceMs ?? 5_000)));
    const result = await Promise.race([Promise.all(this.#connections), grace]);
    clearTimeout(timer);
    // A relay handler that ignores the end of its messages must not hold the server's shutdown.
    if (result === 'timeout') this.#options.log?.warn({ sessions: this.#connections.size }, 'ingest sessions did not end in time');
  }

  #admit(grant: IngestGrant): Admission {
    const current = this.sessionsOf(grant.userId);
    if (current >= this.#options.maxSessionsPerUser) {
      return {
        ok: false,
        code: 'INGEST_SESSION_LIMIT',
        message: `At most ${this.#options.maxSessionsPerUser} live session(s) per account; end another session first.`,
      };
    }
    this.#perUser.set(grant.userId, current + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const left = this.sessionsOf(grant.userId) - 1;
        if (left > 0) this.#perUser.set(grant.userId, left);
        else this.#perUser.delete(grant.userId);
      },
    };
  }
}

/** The session limits from the ingest's env config (INGEST_* keys of config/config.ts). */
export function ingestLimitsFromConfig(config: {
  readonly INGEST_HELLO_TIMEOUT_MS: number;
  readonly INGEST_MAX_MESSAGE_BYTES: number;
}): Partial<IngestLimits> {
  return { helloTimeoutMs: config.INGEST_HELLO_TIMEOUT_MS, maxMessageBytes: config.INGEST_MAX_MESSAGE_BYTES };
}

import { errorRegistry, type FrameMessage, type HelloMessage, type TrackMessage, type WireMessage } from '@streamhub/shared';
import { encodeMessage } from '@streamhub/shared/wire/encode';
import type { IngestAuthority, IngestGrant, IngestSession, IngestSessionHandler } from '../../live/contracts.ts';
import { BoundedQueue } from './bounded-queue.ts';
import { decodeWireStream, decodeWireStreams, type DecodedItem } from './decode-stream.ts';
import type { AdmitSession, IngestLimits, IngestTransportIO } from './types.ts';

/** The pino subset the session layer logs through (Fastify's logger fits). Never given secrets. */
export interface SessionLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface RunIngestSessionOptions {
  readonly io: IngestTransportIO;
  readonly authority: IngestAuthority;
  readonly handler: IngestSessionHandler;
  readonly limits: IngestLimits;
  /** Per-user caps and the like; called after the token is consumed. */
  readonly admit?: AdmitSession;
  readonly log?: SessionLog;
  /** Aborting ends the session with INGEST_SHUTTING_DOWN (server shutdown). */
  readonly signal?: AbortSignal;
}

/** How a session ended, for logs, metrics and tests. */
export interface IngestSessionOutcome {
  /** Registry code it closed with; `INGEST_SESSION_ENDED` for a normal end. */
  readonly code: string;
  /** Set once the token was accepted. */
  readonly sessionId: string | undefined;
  readonly framesReceived: number;
  readonly bytesReceived: number;
}

const NORMAL_END = 'INGEST_SESSION_ENDED';
/** Accounted per queued message on top of its byte fields (object, views, bookkeeping). */
const MESSAGE_OVERHEAD_BYTES = 128;
const silentLog: SessionLog = { info: () => undefined, warn: () => undefined };

const userMessage = (code: string): string =>
  Object.hasOwn(errorRegistry, code) ? errorRegistry[code as keyof typeof errorRegistry].message : 'The session was closed.';

/**
 * Runs one publisher connection, transport-agnostic: hello within `helloTimeoutMs` → token
 * consumed once via the authority → admission → `hello-ok` → decoded, validated track/frame
 * messages into a bounded queue that the handler (the relay) consumes as an `IngestSession`.
 * `stats` is answered with `ack`; `goodbye` ends the session normally. Any protocol or auth error
 * sends an `error` message with its registry code, then closes the transport with the mapped close
 * code. Never rejects: whatever happens, it resolves with the outcome once the handler is done.
 */
export async function runIngestSession(options: RunIngestSessionOptions): Promise<IngestSessionOutcome> {
  const run = new SessionRun(options);
  const onAbort = (): void => run.terminate('INGEST_SHUTTING_DOWN', userMessage('INGEST_SHUTTING_DOWN'));
  if (options.signal?.aborted === true) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await run.run();
  } catch (error) {
    // Only a bug gets here; the session still ends cleanly and the server keeps serving others.
    (options.log ?? silentLog).warn({ err: error }, 'ingest session failed');
    run.terminate('INGEST_INTERNAL', userMessage('INGEST_INTERNAL'));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return run.outcome();
}

class SessionRun {
  readonly #options: RunIngestSessionOptions;
  readonly #log: SessionLog;
  readonly #queue: BoundedQueue<TrackMessage | FrameMessage>;
  readonly #items: AsyncGenerator<DecodedItem, void, undefined>;
  readonly #counters = { frames: 0, bytes: 0 };
  #code: string | undefined;
  #grant: IngestGrant | undefined;
  #markClosed: () => void = () => undefined;
  readonly #closed = new Promise<void>((resolve) => (this.#markClosed = resolve));

  constructor(options: RunIngestSessionOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLog;
    const { limits } = options;
    this.#queue = new BoundedQueue({ maxItems: limits.queueMaxMessages, maxBytes: limits.queueMaxBytes });
    const decodeOptions = { maxMessageBytes: limits.maxMessageBytes, counters: this.#counters };
    const { source } = options.io;
    this.#items = 'streams' in source ? decodeWireStreams(source.streams, decodeOptions) : decodeWireStream(source, decodeOptions);
  }

  async run(): Promise<void> {
    const grant = await this.#handshake();
    if (!grant) return;
    const admission = this.#options.admit?.(grant) ?? { ok: true, release: () => undefined };
    if (!admission.ok) {
      this.terminate(admission.code, admission.message);
      return;
    }
    try {
      this.#grant = grant;
      this.#send({ type: 'hello-ok', sessionId: grant.sessionId, maxMessageBytes: this.#options.limits.maxMessageBytes });
      this.#log.info({ sessionId: grant.sessionId, transport: this.#options.io.transport }, 'ingest session started');
      const handling = this.#startHandler(grant);
      await this.#pump();
      this.#queue.end();
      await handling;
    } finally {
      admission.release();
    }
  }

  /** Ends the session once: `error` message (unless normal), transport close, queue end. */
  terminate(code: string, reason: string): void {
    if (this.#code !== undefined) return;
    this.#code = code;
    if (code !== NORMAL_END) this.#send({ type: 'error', code, reason });
    this.#options.io.close(code, reason);
    this.#queue.end();
    this.#markClosed();
  }

  outcome(): IngestSessionOutcome {
    return {
      code: this.#code ?? NORMAL_END,
      sessionId: this.#grant?.sessionId,
      framesReceived: this.#counters.frames,
      bytesReceived: this.#counters.bytes,
    };
  }

  /** Waits for `hello` (with the deadline) and consumes its token once. */
  async #handshake(): Promise<IngestGrant | undefined> {
    const hello = await this.#firstMessage();
    // Version and hello-first were checked by the session validator (decode-stream.ts).
    if (!hello) return undefined;
    let result;
    try {
      result = await this.#options.authority.consume(hello.token);
    } catch (error) {
      this.#log.warn({ err: error }, 'ingest authority failed');
      this.terminate('INGEST_INTERNAL', userMessage('INGEST_INTERNAL'));
      return undefined;
    }
    if (!result.ok) {
      this.terminate(result.code, result.message);
      return undefined;
    }
    // The peer may have gone while the token was checked; do not start a session for nobody.
    if (this.#code !== undefined) return undefined;
    return result.grant;
  }

  async #firstMessage(): Promise<HelloMessage | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.#options.limits.helloTimeoutMs)));
    let next;
    try {
      next = await Promise.race([this.#items.next(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (next === 'timeout') {
      this.terminate('INGEST_HELLO_TIMEOUT', userMessage('INGEST_HELLO_TIMEOUT'));
      return undefined;
    }
    if (next.done === true) {
      this.terminate(NORMAL_END, 'The publisher left before hello.');
      return undefined;
    }
    const item = next.value;
    if (!item.ok) {
      this.terminate(item.error.code, item.error.message);
      return undefined;
    }
    if (item.message.type !== 'hello') {
      this.terminate('WIRE_EXPECTED_HELLO', `Expected hello, got ${item.message.type}.`);
      return undefined;
    }
    return item.message;
  }

  #startHandler(grant: IngestGrant): Promise<void> {
    const session: IngestSession = {
      grant,
      transport: this.#options.io.transport,
      messages: this.#queue,
      send: (message) => this.#send(message),
      close: (code, reason) => {
        this.terminate(code, reason);
        this.#queue.close();
      },
      closed: this.#closed,
    };
    return Promise.resolve()
      .then(() => this.#options.handler(session))
      .then(
        () => this.terminate(NORMAL_END, 'The live session has ended.'),
        (error: unknown) => {
          this.#log.warn({ err: error, sessionId: grant.sessionId }, 'ingest session handler failed');
          this.terminate('INGEST_INTERNAL', userMessage('INGEST_INTERNAL'));
        },
      );
  }

  /** Reads until the peer ends, an error, or the session is closed; awaits queue room (backpressure). */
  async #pump(): Promise<void> {
    for await (const item of this.#items) {
      if (this.#code !== undefined) return;
      if (!item.ok) {
        this.terminate(item.error.code, item.error.message);
        return;
      }
      const message = item.message;
      switch (message.type) {
        case 'track':
          if (!(await this.#queue.push(message, message.description.byteLength + MESSAGE_OVERHEAD_BYTES))) return;
          break;
        case 'frame':
          this.#counters.frames += 1;
          if (!(await this.#queue.push(message, message.payload.byteLength + MESSAGE_OVERHEAD_BYTES))) return;
          break;
        case 'stats':
          this.#send({
            type: 'ack', sequence: message.sequence, echoedSentAt: message.sentAt,
            framesReceived: this.#counters.frames, bytesReceived: this.#counters.bytes,
          });
          break;
        case 'goodbye':
          this.terminate(NORMAL_END, 'The publisher ended the session.');
          return;
        default:
          // hello-ok, error, ack, status: only the server sends these (a second hello fails validation).
          this.terminate('INGEST_UNEXPECTED_MESSAGE', `A publisher does not send ${message.type}.`);
          return;
      }
    }
    this.terminate(NORMAL_END, 'The publisher disconnected.');
  }

  #send(message: WireMessage): void {
    let bytes: Uint8Array;
    try {
      bytes = encodeMessage(message);
    } catch (error) {
      this.#log.warn({ err: error, type: message.type }, 'could not encode a message to the publisher');
      return;
    }
    this.#options.io.send(bytes);
  }
}

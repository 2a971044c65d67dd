import Fastify, { type FastifyInstance } from 'fastify';
import { WebSocket, type ClientOptions } from 'ws';
import type { AddressInfo } from 'node:net';
import type { WireMessage } from '@streamhub/shared';
import { WireDecoder } from '@streamhub/shared/wire/wire-decoder';
import type { IngestGrant, IngestSessionHandler } from '../../../live/contracts.ts';
import { LiveHub } from '../../../live/live-hub.ts';
import type { IngestSessionOutcome } from '../../session/ingest-session.ts';
import { MemoryIngestAuthority } from '../../session/testing/memory-ingest-authority.ts';
import type { IngestLimits } from '../../session/types.ts';
import { webSocketIngest, WEBSOCKET_INGEST_PATH } from '../websocket-ingest.ts';

/** What a collecting handler saw of one session. */
export interface CollectedSession {
  readonly grant: IngestGrant;
  readonly messages: WireMessage[];
}

export interface IngestTestServer {
  readonly app: FastifyInstance;
  readonly hub: LiveHub;
  readonly authority: MemoryIngestAuthority;
  /** ws://127.0.0.1:<ephemeral>/api/ingest/ws */
  readonly url: string;
  readonly sessions: CollectedSession[];
  readonly outcomes: IngestSessionOutcome[];
  close(): Promise<void>;
}

export interface IngestTestServerOptions {
  readonly limits?: Partial<IngestLimits>;
  readonly maxSessionsPerUser?: number;
  readonly pingIntervalMs?: number;
  readonly maxPendingHandshakes?: number;
  /** Replaces the collecting handler. */
  readonly handler?: IngestSessionHandler;
}

/** A Fastify app with only the WebSocket ingest, an in-memory authority and a collecting handler, on port 0. */
export async function startIngestTestServer(options: IngestTestServerOptions = {}): Promise<IngestTestServer> {
  const authority = new MemoryIngestAuthority();
  const sessions: CollectedSession[] = [];
  const outcomes: IngestSessionOutcome[] = [];
  const collect: IngestSessionHandler = async (session) => {
    const collected: CollectedSession = { grant: session.grant, messages: [] };
    sessions.push(collected);
    for await (const message of session.messages) collected.messages.push(message);
  };
  const app = Fastify({ logger: false });
  const hub = new LiveHub({
    authority,
    handler: options.handler ?? collect,
    maxSessionsPerUser: options.maxSessionsPerUser ?? 100,
    limits: options.limits ?? {},
    log: app.log,
    ...(options.maxPendingHandshakes === undefined ? {} : { maxPendingHandshakes: options.maxPendingHandshakes }),
    onSessionEnd: (outcome) => outcomes.push(outcome),
  });
  await app.register(webSocketIngest, { acceptor: hub, ...(options.pingIntervalMs ? { pingIntervalMs: options.pingIntervalMs } : {}) });
  app.addHook('onClose', () => hub.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app, hub, authority, sessions, outcomes,
    url: `ws://127.0.0.1:${port}${WEBSOCKET_INGEST_PATH}`,
    close: () => app.close(),
  };
}

/** A raw WebSocket publisher for tests: sends arbitrary bytes, decodes what the server sends. */
export interface RawClient {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  /** Decoded server messages, in order. */
  readonly received: WireMessage[];
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;
  /** Resolves with the first received message of `type`. */
  next(type: WireMessage['type']): Promise<WireMessage>;
}

export function connectRaw(url: string, options: ClientOptions = {}): RawClient {
  const socket = new WebSocket(url, { perMessageDeflate: false, ...options });
  const decoder = new WireDecoder();
  const received: WireMessage[] = [];
  const waiters: { type: WireMessage['type']; resolve: (m: WireMessage) => void }[] = [];
  socket.on('message', (data: Buffer) => {
    for (const item of decoder.push(data)) {
      if (!item.ok) continue;
      received.push(item.message);
      for (const waiter of waiters.filter((w) => w.type === item.message.type)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(item.message);
      }
    }
  });
  socket.on('error', () => undefined);
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return {
    socket, opened, received, closed,
    next: (type) => {
      const found = received.find((m) => m.type === type);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ type, resolve }));
    },
  };
}

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import { PREFIX_BYTES } from '@streamhub/shared/wire/layout';
import type { IngestAcceptor } from '../session/types.ts';
import { WebSocketConnection } from './websocket-connection.ts';

export interface WebSocketIngestOptions {
  /** Where connections go (the LiveHub); its limits set `maxPayload`. */
  readonly acceptor: IngestAcceptor;
  /** Route path; default `/api/ingest/ws`. */
  readonly path?: string;
  /** Ping period; a peer that misses one whole period is closed. Default 15 s. */
  readonly pingIntervalMs?: number;
  /** Bytes read ahead of the session layer before the socket is paused. Default 1 MiB. */
  readonly highWaterBytes?: number;
  /** Close handshake deadline before the TCP connection is cut. Default 5 s. */
  readonly closeTimeoutMs?: number;
}

export const WEBSOCKET_INGEST_PATH = '/api/ingest/ws';

/**
 * The WebSocket fallback of the ingest (issue 4): the same wire protocol, auth and limits as
 * WebTransport, on the HTTP port.
 *
 * Framing: binary messages only (a text message closes with INGEST_BINARY_ONLY). The WebSocket is
 * a byte stream of wire messages: one WebSocket message may carry any number of whole or partial
 * wire messages, and the wire decoder reassembles them by their length prefixes. Sending exactly
 * one wire message per WebSocket message (what our publishers do) is the simplest valid case.
 * `maxPayload` is the wire cap plus its prefix, so one wire message always fits one WebSocket
 * message; a larger WebSocket message is refused by ws with close code 1009 before it is buffered.
 *
 * This plugin owns `@fastify/websocket` (ws's `maxPayload` is per server) and registers it in its
 * own context.
 */
async function webSocketIngestPlugin(app: FastifyInstance, options: WebSocketIngestOptions): Promise<void> {
  const { acceptor } = options;
  const connections = new Set<WebSocketConnection>();
  const connectionOptions = {
    highWaterBytes: options.highWaterBytes ?? 1024 * 1024,
    closeTimeoutMs: options.closeTimeoutMs ?? 5_000,
  };

  // One timer for all connections rather than one per connection.
  const keepalive = setInterval(() => {
    for (const connection of connections) connection.keepalive();
  }, options.pingIntervalMs ?? 15_000);
  keepalive.unref();

  await app.register(async (scope) => {
    await scope.register(websocket, {
      options: { maxPayload: acceptor.limits.maxMessageBytes + PREFIX_BYTES, perMessageDeflate: false },
      preClose(done) {
        // Server shutdown: every publisher is told to come back later (1001 going away).
        for (const connection of connections) connection.shutdown();
        this.websocketServer.close(() => undefined);
        done();
      },
    });
    scope.get(options.path ?? WEBSOCKET_INGEST_PATH, { websocket: true }, (socket) => {
      const connection = new WebSocketConnection(socket, connectionOptions);
      connections.add(connection);
      void acceptor.accept(connection.io).finally(() => connections.delete(connection));
    });
  });

  app.addHook('onClose', async () => {
    clearInterval(keepalive);
  });
}

export const webSocketIngest = fp(webSocketIngestPlugin, { name: 'streamhub-websocket-ingest', fastify: '5.x' });

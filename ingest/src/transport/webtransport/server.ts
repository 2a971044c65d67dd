/**
 * WebTransport over HTTP/3 server (draft-ietf-webtrans-http3-02 as Chromium speaks it) on quiche:
 * one UDP socket, one QUIC connection per client (RFC 9000), HTTP/3 + extended CONNECT on top.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { H3ErrorCode } from '../h3/errors.ts';
import { connectStatus } from './admission.ts';
import { H3Connection } from './h3-connection.ts';
import { buildNativeConfig, defaultQuicLimits, MAX_CONN_ID_LEN, MAX_DATAGRAM_SIZE, quiche, type NativeConfig, type QuicLimits } from './native.ts';
import { QuicConnection } from './quic-connection.ts';
import type { Header } from '@matrixai/quic/native/types.js';
import type { WebTransportCloseInfo, WebTransportSession } from './session.ts';
import { literalLookup } from './udp-lookup.ts';

export interface ServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface WebTransportServerOptions {
  readonly host?: string;
  /** UDP port; 0 picks a free one (read `port` afterwards). */
  readonly port: number;
  /** Path of the extended CONNECT, e.g. '/ingest'. Others get 404. */
  readonly path: string;
  readonly certificate: ServerCertificate;
  readonly limits?: Partial<QuicLimits>;
  /** Concurrent QUIC connections; Initial packets beyond it are dropped. Default 1000. */
  readonly maxConnections?: number;
  /** A connection that opens no session within this time is closed. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Incoming streams a session queues before its consumer accepts them. Default 16. */
  readonly maxQueuedStreams?: number;
}

export interface WebTransportServerStats {
  readonly connections: number;
  readonly sessions: number;
  readonly packetsDropped: number;
}

interface ServerConnection {
  readonly quic: QuicConnection;
  readonly h3: H3Connection;
  readonly keys: string[];
  connectTimer: NodeJS.Timeout | undefined;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

export class WebTransportServer {
  private readonly socket: Socket;
  private readonly options: WebTransportServerOptions;
  private readonly limits: QuicLimits;
  private config: NativeConfig;
  private readonly byConnectionId = new Map<string, ServerConnection>();
  private readonly live = new Set<ServerConnection>();
  private readonly listeners = new Set<(session: WebTransportSession) => void>();
  private sessions = 0;
  private packetsDropped = 0;
  private closing: Promise<void> | undefined;

  private constructor(socket: Socket, options: WebTransportServerOptions) {
    this.socket = socket;
    this.options = options;
    this.limits = { ...defaultQuicLimits, ...options.limits };
    this.config = buildNativeConfig({ limits: this.limits, ...options.certificate });
  }

  /** Binds the UDP socket and starts accepting connections. */
  static async listen(options: WebTransportServerOptions): Promise<WebTransportServer> {
    const host = options.host ?? '0.0.0.0';
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024, lookup: literalLookup });
    const server = new WebTransportServer(socket, options);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('message', server.onMessage);
    socket.on('error', () => undefined); // ICMP errors surface here on some systems; connections time out instead
    return server;
  }

  get port(): number {
    return this.socket.address().port;
  }

  get address(): string {
    return this.socket.address().address;
  }

  /** Called for every established session; returns the unsubscribe function. */
  onSession(listener: (session: WebTransportSession) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** New connections use this certificate; established ones keep theirs (rotation). */
  setCertificate(certificate: ServerCertificate): void {
    this.config = buildNativeConfig({ limits: this.limits, ...certificate });
  }

  stats(): WebTransportServerStats {
    return { connections: this.live.size, sessions: this.sessions, packetsDropped: this.packetsDropped };
  }

  /**
   * GOAWAY on every connection (RFC 9114 §5.2), closes every session with `info`, waits for the
   * connections to finish closing (bounded), then closes the socket. Idempotent.
   */
  close(info: WebTransportCloseInfo = { code: 0, reason: 'server shutting down' }): Promise<void> {
    this.closing ??= this.shutdown(info);
    return this.closing;
  }

  private async shutdown(info: WebTransportCloseInfo): Promise<void> {
    const connections = [...this.live];
    for (const connection of connections) {
      connection.h3.goaway();
      if (connection.h3.sessionCount === 0) connection.quic.close(H3ErrorCode.NO_ERROR, 'shutting down');
    }
    for (const connection of connections) connection.h3.closeSessions(info);
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref());
    await Promise.race([Promise.all(connections.map((c) => c.h3.closed)), deadline]);
    for (const connection of this.live) connection.quic.destroy();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private readonly onMessage = (data: Buffer, rinfo: RemoteInfo): void => {
    // RFC 9000 §17.3: a short-header packet (high bit 0) carries our connection ID right after the
    // first byte, at the length we chose (MAX_CONN_ID_LEN). Looking it up directly skips quiche's
    // Header parse (an object and three byte arrays per packet); long headers and misses (e.g. the
    // client's original DCID) take the full path below.
    if (data.length > MAX_CONN_ID_LEN && ((data[0] ?? 0) & 0x80) === 0) {
      const known = this.byConnectionId.get(data.toString('hex', 1, 1 + MAX_CONN_ID_LEN));
      if (known) {
        known.quic.receive(data, rinfo.address, rinfo.port);
        return;
      }
    }
    let header;
    try {
      header = quiche.Header.fromSlice(data, MAX_CONN_ID_LEN);
    } catch {
      this.packetsDropped += 1; // not QUIC
      return;
    }
    const from = { host: rinfo.address, port: rinfo.port };
    const connection = this.byConnectionId.get(hex(header.dcid)) ?? this.accept(header, data, from);
    if (connection) connection.quic.receive(data, from.host, from.port);
    else this.packetsDropped += 1;
  };

  private accept(header: Header, data: Buffer, from: { host: string; port: number }): ServerConnection | undefined {
    if (header.ty !== quiche.Type.Initial || this.closing) return undefined;
    if (!quiche.versionIsSupported(header.version)) {
      const out = Buffer.allocUnsafe(MAX_DATAGRAM_SIZE);
      const length = quiche.negotiateVersion(header.scid, header.dcid, out); // RFC 9000 §6
      this.socket.send(out, 0, length, from.port, from.host);
      return undefined;
    }
    // RFC 9000 §14.1: a client's Initial datagram is at least 1200 bytes (anti-amplification).
    if (data.length < 1200 || this.live.size >= (this.options.maxConnections ?? 1000)) return undefined;
    const scid = randomBytes(MAX_CONN_ID_LEN);
    const address = this.socket.address();
    const local = { host: address.address, port: address.port };
    let conn;
    try {
      conn = quiche.Connection.accept(scid, null, local, from, this.config);
    } catch {
      return undefined;
    }
    const quic = new QuicConnection({ conn, socket: this.socket, local, peer: from, role: 'server' });
    const h3 = new H3Connection({ role: 'server', quic, owner: this.owner(), maxQueuedStreams: this.options.maxQueuedStreams ?? 16 });
    // The client keeps using its original DCID until our first packet reaches it (RFC 9000 §7.2).
    const connection: ServerConnection = { quic, h3, keys: [hex(scid), hex(header.dcid)], connectTimer: undefined };
    connection.connectTimer = setTimeout(() => quic.close(H3ErrorCode.REQUEST_REJECTED, 'no session'), this.options.connectTimeoutMs ?? 10_000);
    for (const key of connection.keys) this.byConnectionId.set(key, connection);
    this.live.add(connection);
    void h3.closed.then(() => this.forget(connection));
    return connection;
  }

  private forget(connection: ServerConnection): void {
    clearTimeout(connection.connectTimer);
    for (const key of connection.keys) this.byConnectionId.delete(key);
    this.live.delete(connection);
  }

  private owner(): ConstructorParameters<typeof H3Connection>[0]['owner'] {
    return {
      admit: (fields, h3) => connectStatus(fields, { path: this.options.path, sessionCount: h3.sessionCount, maxSessions: 1 }),
      sessionOpened: (session) => {
        for (const connection of this.live) {
          if (connection.h3.sessionById(session.id) === session) clearTimeout(connection.connectTimer);
        }
        this.sessions += 1;
        void session.closed.then(() => {
          this.sessions -= 1;
        });
        for (const listener of this.listeners) listener(session);
      },
      rejected: () => undefined,
    };
  }
}

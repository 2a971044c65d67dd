/**
 * A Node WebTransport client on the same quiche layer as the server (the publisher CLI and tests
 * use it). Like a browser with `serverCertificateHashes`, it pins the server certificate by the
 * SHA-256 of its DER instead of verifying a chain (W3C WebTransport §4.4).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { H3ErrorCode } from '../h3/errors.ts';
import { SettingId } from '../h3/frames.ts';
import { H3Connection } from './h3-connection.ts';
import { buildNativeConfig, defaultQuicLimits, MAX_CONN_ID_LEN, quiche, type QuicLimits } from './native.ts';
import { QuicConnection } from './quic-connection.ts';
import { RequestStream, type RequestStreamOwner } from './request-stream.ts';
import type { HeaderField } from '../h3/qpack.ts';
import type { WebTransportSession } from './session.ts';
import { literalLookup } from './udp-lookup.ts';

export interface CertificateHash {
  readonly algorithm: 'sha-256';
  /** The digest: bytes, or a base64 / hex string. */
  readonly value: Uint8Array | string;
}

export interface WebTransportClientOptions {
  /** Pinned certificate digests; at least one must match the server's leaf certificate. */
  readonly serverCertificateHashes: readonly CertificateHash[];
  readonly limits?: Partial<QuicLimits>;
  /** Handshake + CONNECT deadline. Default 10 s. */
  readonly timeoutMs?: number;
  /** Sent as the `origin` header (browsers always send one). */
  readonly origin?: string;
}

export class WebTransportClientError extends Error {
  override readonly name = 'WebTransportClientError';
}

const digestBytes = (value: Uint8Array | string): Buffer =>
  typeof value !== 'string' ? Buffer.from(value) : /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');

/** A QUIC + HTTP/3 connection with the peer's SETTINGS received and its certificate checked. */
export interface ClientConnection {
  readonly h3: H3Connection;
  readonly quic: QuicConnection;
  readonly target: URL;
}

type Settle = { resolve: (s: WebTransportSession) => void; reject: (e: Error) => void } | undefined;

/**
 * Connects QUIC + HTTP/3 to `url`'s host and waits for the server's SETTINGS (RFC 9220 §3: no
 * extended CONNECT before them). Exposed for tests that need to speak raw HTTP/3.
 */
export async function openClientConnection(url: string, options: WebTransportClientOptions, owner: RequestStreamOwner): Promise<ClientConnection> {
  const target = new URL(url);
  if (target.protocol !== 'https:') throw new WebTransportClientError('WebTransport URLs are https://');
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  const address = isIP(hostname) ? hostname : (await lookup(hostname)).address;
  const socket = createSocket({ type: isIP(address) === 6 ? 'udp6' : 'udp4', lookup: literalLookup });
  await new Promise<void>((resolve) => socket.bind(0, isIP(address) === 6 ? '::' : '0.0.0.0', resolve));
  const local = { host: socket.address().address, port: socket.address().port };
  const peer = { host: address, port: Number(target.port || 443) };
  const config = buildNativeConfig({ limits: { ...defaultQuicLimits, ...options.limits } });
  const conn = quiche.Connection.connect(isIP(hostname) ? null : hostname, randomBytes(MAX_CONN_ID_LEN), local, peer, config);
  const quic = new QuicConnection({ conn, socket, local, peer, role: 'client' });
  socket.on('message', (data, rinfo) => quic.receive(data, rinfo.address, rinfo.port));
  socket.on('error', () => undefined);
  const h3 = new H3Connection({ role: 'client', quic, maxQueuedStreams: 16, owner });
  void h3.closed.then(() => socket.close());
  quic.flush();
  const timer = setTimeout(() => quic.close(H3ErrorCode.REQUEST_CANCELLED, 'timeout'), options.timeoutMs ?? 10_000);
  try {
    await h3.settingsReceived();
  } finally {
    clearTimeout(timer);
  }
  if (quic.isClosed) throw new WebTransportClientError('connection closed during the handshake');
  const leaf = conn.peerCertChain()?.[0];
  const digest = leaf && createHash('sha256').update(leaf).digest();
  if (!digest || !options.serverCertificateHashes.some((hash) => digestBytes(hash.value).equals(digest))) {
    quic.close(H3ErrorCode.CONNECT_ERROR, 'certificate hash mismatch');
    throw new WebTransportClientError('server certificate does not match serverCertificateHashes');
  }
  return { h3, quic, target };
}

/** The extended CONNECT request for a WebTransport session (RFC 9220 §3, draft-02 §3.2). */
export function connectRequest(target: URL, origin: string | undefined): HeaderField[] {
  return [
    { name: ':method', value: 'CONNECT' },
    { name: ':protocol', value: 'webtransport' },
    { name: ':scheme', value: 'https' },
    { name: ':authority', value: target.host },
    { name: ':path', value: `${target.pathname}${target.search}` },
    { name: 'sec-webtransport-http3-draft02', value: '1' },
    { name: 'origin', value: origin ?? `https://${target.host}` },
  ];
}

export const WebTransportClient = {
  /** Opens a QUIC connection and one WebTransport session on `url` (https://host:port/path). */
  async connect(url: string, options: WebTransportClientOptions): Promise<WebTransportSession> {
    let settle: Settle;
    const opened = new Promise<WebTransportSession>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const owner = h3Owner(() => settle);
    const { h3, quic, target } = await openClientConnection(url, options, owner);
    void h3.closed.then(() => settle?.reject(new WebTransportClientError('connection closed')));
    if (h3.peerSettings?.get(SettingId.ENABLE_WEBTRANSPORT) !== 1 || h3.peerSettings.get(SettingId.ENABLE_CONNECT_PROTOCOL) !== 1) {
      quic.close(H3ErrorCode.SETTINGS_ERROR, 'no WebTransport');
      throw new WebTransportClientError('server does not support WebTransport');
    }
    const timer = setTimeout(() => {
      settle?.reject(new WebTransportClientError('timed out opening the session'));
      quic.close(H3ErrorCode.REQUEST_CANCELLED, 'timeout');
    }, options.timeoutMs ?? 10_000);
    try {
      const request = new RequestStream({ h3, owner, streamId: h3.allocateStreamId(true), maxQueuedStreams: 16 });
      h3.trackRequest(request);
      await request.sendRequest(connectRequest(target, options.origin));
      return await opened;
    } catch (error) {
      quic.close(H3ErrorCode.REQUEST_CANCELLED, 'session refused');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  },
};

function h3Owner(settle: () => Settle): RequestStreamOwner {
  return {
    admit: () => 404,
    sessionOpened: (session) => settle()?.resolve(session),
    rejected: (status) => settle()?.reject(new WebTransportClientError(status ? `server answered ${status}` : 'session refused')),
  };
}

/** Shared set-up for this folder's integration tests (not used in production code). */
import { createHash } from 'node:crypto';
import { mintCertificate, type MintedCertificate } from '../certs/mint-certificate.ts';
import { connectRequest, openClientConnection, type ClientConnection } from './client.ts';
import type { QuicLimits } from './native.ts';
import { RequestStream, type RequestStreamOwner } from './request-stream.ts';
import { WebTransportServer } from './server.ts';
import type { WebTransportSession } from './session.ts';

export interface ServerFixture {
  readonly server: WebTransportServer;
  readonly cert: MintedCertificate;
  readonly url: string;
  /** Resolves with the next session the server accepts. */
  nextSession(): Promise<WebTransportSession>;
}

export async function startServer(options: { connectTimeoutMs?: number; limits?: Partial<QuicLimits> } = {}): Promise<ServerFixture> {
  const cert = mintCertificate();
  const server = await WebTransportServer.listen({ host: '127.0.0.1', port: 0, path: '/ingest', certificate: cert, ...options });
  const waiting: ((session: WebTransportSession) => void)[] = [];
  const early: WebTransportSession[] = [];
  server.onSession((session) => {
    const waiter = waiting.shift();
    if (waiter) waiter(session);
    else early.push(session);
  });
  return {
    server,
    cert,
    url: `https://127.0.0.1:${server.port}/ingest`,
    nextSession: () => {
      const ready = early.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/**
 * A client session opened by hand (QUIC + HTTP/3, then the CONNECT request), for tests that reach
 * into the client's QUIC or HTTP/3 layer; `server` is the session the fixture accepted.
 */
export async function openRawSession(
  f: ServerFixture,
  limits?: Partial<QuicLimits>,
): Promise<{ connection: ClientConnection; client: WebTransportSession; server: WebTransportSession }> {
  let opened: ((session: WebTransportSession) => void) | undefined;
  const clientSession = new Promise<WebTransportSession>((resolve) => (opened = resolve));
  const owner: RequestStreamOwner = { admit: () => 404, sessionOpened: (s) => opened?.(s), rejected: () => undefined };
  const hashes = [{ algorithm: 'sha-256' as const, value: f.cert.sha256 }];
  const connection = await openClientConnection(f.url, { serverCertificateHashes: hashes, ...(limits ? { limits } : {}) }, owner);
  const request = new RequestStream({ h3: connection.h3, owner, streamId: connection.h3.allocateStreamId(true), maxQueuedStreams: 4 });
  connection.h3.trackRequest(request);
  await request.sendRequest(connectRequest(connection.target, undefined));
  return { connection, client: await clientSession, server: await f.nextSession() };
}

/** Reads a byte stream to its end: total length and SHA-256. */
export async function digestStream(stream: AsyncIterable<Uint8Array>): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Deterministic pseudo-random payload. */
export function payload(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

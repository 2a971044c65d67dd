import { join } from 'node:path';
import { publicHost, type Config } from '../config/config.ts';
import { CertificateStore } from '../transport/certs/certificate-store.ts';
import { WEBSOCKET_INGEST_PATH } from '../transport/websocket/websocket-ingest.ts';
import { WebTransportServer } from '../transport/webtransport/server.ts';
import type { IngestEndpoints } from './contracts.ts';

/** The WebTransport server of the ingest with its certificate: bound (UDP) before the app registers anything else. */
export interface WebTransportEndpoint {
  readonly server: WebTransportServer;
  readonly certificates: CertificateStore;
  /** GOAWAY + close of every session and the socket, then the certificate store. Idempotent. */
  close(): Promise<void>;
}

type EndpointConfig = Pick<Config, 'DATA_DIR' | 'HOST' | 'WEBTRANSPORT_HOST' | 'WEBTRANSPORT_PORT' | 'WEBTRANSPORT_PATH' | 'WEBTRANSPORT_CERT_FILE' | 'WEBTRANSPORT_KEY_FILE'>;

/**
 * Opens the certificate store (configured files, else a self-signed one minted and rotated under
 * DATA_DIR/certs) and binds the WebTransport server on its UDP port. Rotation swaps the server's
 * certificate for new connections; the published hashes are read from the store at request time.
 */
export async function openWebTransportEndpoint(config: EndpointConfig): Promise<WebTransportEndpoint> {
  const certificates = await CertificateStore.open({
    dir: join(config.DATA_DIR, 'certs'),
    ...(config.WEBTRANSPORT_CERT_FILE === undefined ? {} : { certFile: config.WEBTRANSPORT_CERT_FILE }),
    ...(config.WEBTRANSPORT_KEY_FILE === undefined ? {} : { keyFile: config.WEBTRANSPORT_KEY_FILE }),
  });
  let server: WebTransportServer;
  try {
    server = await WebTransportServer.listen({
      host: config.WEBTRANSPORT_HOST ?? config.HOST, port: config.WEBTRANSPORT_PORT, path: config.WEBTRANSPORT_PATH,
      certificate: certificates.current(),
    });
  } catch (error) {
    certificates.close();
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'EADDRINUSE') throw new Error(`WebTransport: UDP port ${config.WEBTRANSPORT_PORT} is in use (set WEBTRANSPORT_PORT)`, { cause: error });
    throw error;
  }
  certificates.onRotate((certificate) => server.setCertificate(certificate));
  let closing: Promise<void> | undefined;
  return {
    server, certificates,
    close() {
      closing ??= server.close({ code: 4001, reason: 'INGEST_SHUTTING_DOWN' }).finally(() => certificates.close());
      return closing;
    },
  };
}

const urlHost = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

export interface EndpointSources {
  readonly config: Pick<Config, 'HOST' | 'PUBLIC_HOST' | 'PORT' | 'WEBTRANSPORT_PORT' | 'WEBTRANSPORT_PATH'>;
  /** Absent when WebTransport is disabled: the configured port is advertised, with no hashes. */
  readonly webtransport?: WebTransportEndpoint | undefined;
  /** The HTTP port actually bound, once listening (PORT may be 0). */
  readonly httpPort?: () => number | undefined;
}

/**
 * Where publishers connect, computed on every call: the real bound ports and the current
 * certificate hashes, so `POST /api/stream/start` reflects a rotation at once.
 */
export function liveEndpoints({ config, webtransport, httpPort }: EndpointSources): () => IngestEndpoints {
  const host = urlHost(publicHost(config));
  return () => ({
    webtransportUrl: `https://${host}:${webtransport?.server.port ?? config.WEBTRANSPORT_PORT}${config.WEBTRANSPORT_PATH}`,
    websocketUrl: `ws://${host}:${httpPort?.() ?? config.PORT}${WEBSOCKET_INGEST_PATH}`,
    certificateHashes: webtransport?.certificates.hashes() ?? [],
  });
}

/**
 * The Cloudflare quiche bindings shipped in @matrixai/quic, driven directly (issue 4: the
 * library's high-level API crashed when SETTINGS and CONNECT arrived in the handshake-completing
 * batch, and the direct bindings cost ~3× less CPU). This file only builds quiche configs.
 */
import quiche from '@matrixai/quic/native/quiche.js';
import type { Config, Connection, Host, SendInfo } from '@matrixai/quic/native/types.js';

export { quiche };
export type { Config as NativeConfig, Connection as NativeConnection, Host as HostPort, SendInfo };

/**
 * QUIC limits. Flow control is the memory bound: quiche buffers at most `maxStreamWindow` per
 * stream and `maxConnectionWindow` per connection of unread peer data (RFC 9000 §4), and this
 * layer reads a stream only when its consumer pulls, so a slow consumer stalls the sender.
 */
export interface QuicLimits {
  readonly maxIdleTimeoutMs: number;
  readonly initialMaxData: number;
  readonly initialMaxStreamData: number;
  readonly maxStreamWindow: number;
  readonly maxConnectionWindow: number;
  readonly initialMaxStreamsBidi: number;
  readonly initialMaxStreamsUni: number;
}

/**
 * A 3–10 Mbit/s publisher needs about its bandwidth × RTT in flight (≈ 250 KB at 10 Mbit/s over
 * 200 ms) plus a keyframe: 1 MiB per stream and 2 MiB per connection leave room and cap the unread
 * bytes a stalled session can pin in memory.
 */
export const defaultQuicLimits: QuicLimits = {
  maxIdleTimeoutMs: 30_000,
  initialMaxData: 1024 * 1024,
  initialMaxStreamData: 512 * 1024,
  maxStreamWindow: 1024 * 1024,
  maxConnectionWindow: 2 * 1024 * 1024,
  initialMaxStreamsBidi: 16,
  initialMaxStreamsUni: 32,
};

/** Signature algorithms offered/accepted (BoringSSL names); ECDSA P-256 first for pinned certificates. */
const SIGALGS = ['ecdsa_secp256r1_sha256', 'ecdsa_secp384r1_sha384', 'rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256', 'ed25519'].join(':');

export const MAX_DATAGRAM_SIZE: number = quiche.MAX_DATAGRAM_SIZE;
export const MAX_CONN_ID_LEN: number = quiche.MAX_CONN_ID_LEN;

export interface NativeConfigOptions {
  readonly limits: QuicLimits;
  /** Server only: PEM certificate chain and PKCS#8 key. */
  readonly certPem?: string;
  readonly keyPem?: string;
}

/**
 * ALPN "h3" (RFC 9114 §3.1). Peer verification is off for the client: it pins the server
 * certificate by SHA-256 after the handshake instead (like `serverCertificateHashes`).
 */
export function buildNativeConfig(options: NativeConfigOptions): Config {
  const encoder = new TextEncoder();
  const keys = options.keyPem === undefined ? null : [encoder.encode(options.keyPem)];
  const certs = options.certPem === undefined ? null : [encoder.encode(options.certPem)];
  const config = quiche.Config.withBoringSslCtx(false, false, null, keys, certs, SIGALGS);
  const { limits } = options;
  config.setApplicationProtos(['h3']);
  config.grease(true);
  config.setMaxIdleTimeout(limits.maxIdleTimeoutMs);
  config.setMaxRecvUdpPayloadSize(MAX_DATAGRAM_SIZE);
  config.setMaxSendUdpPayloadSize(MAX_DATAGRAM_SIZE);
  config.setInitialMaxData(limits.initialMaxData);
  config.setInitialMaxStreamDataBidiLocal(limits.initialMaxStreamData);
  config.setInitialMaxStreamDataBidiRemote(limits.initialMaxStreamData);
  config.setInitialMaxStreamDataUni(limits.initialMaxStreamData);
  config.setInitialMaxStreamsBidi(limits.initialMaxStreamsBidi);
  config.setInitialMaxStreamsUni(limits.initialMaxStreamsUni);
  config.setMaxStreamWindow(limits.maxStreamWindow);
  config.setMaxConnectionWindow(limits.maxConnectionWindow);
  config.setDisableActiveMigration(true);
  // RFC 9221 DATAGRAM support: Chromium requires it for WebTransport (H3_DATAGRAM, RFC 9297 §2.1.1).
  config.enableDgram(true, 64, 64);
  return config;
}

/**
 * Mints the self-signed ECDSA P-256 certificate browsers pin with `serverCertificateHashes`
 * (W3C WebTransport §4.4 "custom certificate requirements": X.509v3, ECDSA P-256 (secp256r1) key,
 * validity at most 14 days). Built with node:crypto and a minimal DER writer: no dependency.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { bitString, boolean, contextExplicit, octetString, oid, sequence, set, tlv, unsignedInteger, utcTime, utf8String } from './der.ts';

export interface MintedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 of the certificate's DER encoding. */
  readonly sha256: Uint8Array;
}

export interface MintOptions {
  /** Validity in days; browsers refuse pinned certificates valid for more than 14 days. Default 13. */
  readonly validityDays?: number;
  readonly commonName?: string;
  /** DNS names and IP addresses for subjectAltName. Default localhost, 127.0.0.1, ::1. */
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly now?: Date;
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2')); // RFC 5758 §3.2: parameters absent
const DAY_MS = 86_400_000;

function ipBytes(ip: string): Uint8Array {
  if (ip.includes(':')) {
    const [head = '', tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
    return Uint8Array.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
  }
  return Uint8Array.from(ip.split('.').map(Number));
}

function extensions(dnsNames: readonly string[], ipAddresses: readonly string[]): Uint8Array {
  // RFC 5280 §4.2.1.6 GeneralName: [2] dNSName IA5String, [7] iPAddress OCTET STRING (implicit tags).
  const names = [
    ...dnsNames.map((name) => tlv(0x82, Buffer.from(name, 'ascii'))),
    ...ipAddresses.map((ip) => tlv(0x87, ipBytes(ip))),
  ];
  const subjectAltName = sequence(oid('2.5.29.17'), octetString(sequence(...names)));
  const basicConstraints = sequence(oid('2.5.29.19'), boolean(true), octetString(sequence()));
  const keyUsage = sequence(oid('2.5.29.15'), boolean(true), octetString(tlv(0x03, Uint8Array.of(7, 0x80)))); // digitalSignature
  const extKeyUsage = sequence(oid('2.5.29.37'), octetString(sequence(oid('1.3.6.1.5.5.7.3.1')))); // serverAuth
  return contextExplicit(3, sequence(subjectAltName, basicConstraints, keyUsage, extKeyUsage));
}

/** Mints a new key pair and certificate (RFC 5280 §4.1). */
export function mintCertificate(options: MintOptions = {}): MintedCertificate {
  const now = options.now ?? new Date();
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000); // 1 min of clock skew
  const notAfter = new Date(notBefore.getTime() + (options.validityDays ?? 13) * DAY_MS);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8String(options.commonName ?? 'StreamHub ingest'))));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive, ≤ 20 octets (RFC 5280 §4.1.2.2)
  const tbs = sequence(
    contextExplicit(0, unsignedInteger(Uint8Array.of(2))), // v3
    unsignedInteger(serial),
    ECDSA_WITH_SHA256,
    name,
    sequence(utcTime(notBefore), utcTime(notAfter)),
    name,
    publicKey.export({ format: 'der', type: 'spki' }),
    extensions(options.dnsNames ?? ['localhost'], options.ipAddresses ?? ['127.0.0.1', '::1']),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const der = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
  const certPem = new X509Certificate(der).toString();
  const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return { certPem, keyPem, notBefore, notAfter, sha256: createHash('sha256').update(der).digest() };
}

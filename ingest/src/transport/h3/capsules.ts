/**
 * Capsules (RFC 9297 §3.2): type varint, length varint, value. On an HTTP/3 extended CONNECT
 * stream the capsules travel inside DATA frames (RFC 9297 §3.1, RFC 9114 §7.2.1).
 * WebTransport session capsules follow draft-ietf-webtrans-http3-02 §5 (close) and §4.6 (drain).
 */
import { H3Error, H3ErrorCode } from './errors.ts';
import { concatBytes, readVarint, varintLength, writeVarint } from './varint.ts';

export const CapsuleType = {
  DATAGRAM: 0x00,
  CLOSE_WEBTRANSPORT_SESSION: 0x2843,
  DRAIN_WEBTRANSPORT_SESSION: 0x78ae,
} as const;

/** draft-02 §5: the close reason is at most 1024 bytes of UTF-8. */
export const MAX_CLOSE_REASON_BYTES = 1024;

export interface Capsule {
  readonly type: number;
  readonly value: Uint8Array;
}

export function encodeCapsule(type: number, value: Uint8Array): Uint8Array {
  const header = new Uint8Array(varintLength(type) + varintLength(value.length));
  writeVarint(header, writeVarint(header, 0, type), value.length);
  return concatBytes([header, value]);
}

/** Reads one capsule at `offset`; `undefined` when more bytes are needed. */
export function readCapsule(buf: Uint8Array, offset: number, maxValue: number): { capsule: Capsule; next: number } | undefined {
  const type = readVarint(buf, offset);
  if (!type) return undefined;
  const length = readVarint(buf, type.next);
  if (!length) return undefined;
  if (length.value > maxValue) throw new H3Error(H3ErrorCode.EXCESSIVE_LOAD, `capsule of ${length.value} bytes exceeds ${maxValue}`);
  const end = length.next + length.value;
  if (end > buf.length) return undefined;
  return { capsule: { type: type.value, value: buf.subarray(length.next, end) }, next: end };
}

export interface SessionClose {
  readonly code: number;
  readonly reason: string;
}

/** CLOSE_WEBTRANSPORT_SESSION value: 32-bit application error code, then the UTF-8 reason (draft-02 §5). */
export function encodeCloseSession({ code, reason }: SessionClose): Uint8Array {
  let reasonBytes = new TextEncoder().encode(reason);
  if (reasonBytes.length > MAX_CLOSE_REASON_BYTES) reasonBytes = reasonBytes.subarray(0, MAX_CLOSE_REASON_BYTES);
  const value = new Uint8Array(4 + reasonBytes.length);
  new DataView(value.buffer).setUint32(0, code >>> 0);
  value.set(reasonBytes, 4);
  return encodeCapsule(CapsuleType.CLOSE_WEBTRANSPORT_SESSION, value);
}

export function decodeCloseSession(value: Uint8Array): SessionClose {
  if (value.length < 4 || value.length > 4 + MAX_CLOSE_REASON_BYTES) {
    throw new H3Error(H3ErrorCode.MESSAGE_ERROR, 'malformed CLOSE_WEBTRANSPORT_SESSION');
  }
  const code = new DataView(value.buffer, value.byteOffset, 4).getUint32(0);
  const reason = new TextDecoder('utf-8', { fatal: false }).decode(value.subarray(4));
  return { code, reason };
}

/**
 * QUIC variable-length integers (RFC 9000 §16): the two high bits of the first byte give the
 * length (1, 2, 4 or 8 bytes), the rest is the big-endian value.
 *
 * Values are JavaScript numbers: exact up to 2^53-1. An 8-byte varint above that (only GREASE
 * identifiers in practice, RFC 9114 §7.2.4.1) decodes to the nearest double, which is enough to
 * recognise it as unknown and skip it.
 */
export const MAX_VARINT = 2 ** 62 - 1;

/** Bytes needed to encode `value` (RFC 9000 §16, Table 4). */
export function varintLength(value: number): 1 | 2 | 4 | 8 {
  if (value < 0x40) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x40000000) return 4;
  return 8;
}

/** Writes `value` at `offset` and returns the offset after it. */
export function writeVarint(out: Uint8Array, offset: number, value: number | bigint): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 0x40000000) {
    return writeSmallVarint(out, offset, value);
  }
  const v = typeof value === 'bigint' ? value : BigInt(value);
  if (v < 0n || v > 0x3fffffffffffffffn) throw new RangeError(`varint out of range: ${v}`);
  if (v < 0x40000000n) return writeSmallVarint(out, offset, Number(v));
  const view = new DataView(out.buffer, out.byteOffset + offset, 8);
  view.setUint32(0, (0xc0000000 | Number(v >> 32n)) >>> 0);
  view.setUint32(4, Number(v & 0xffffffffn));
  return offset + 8;
}

function writeSmallVarint(out: Uint8Array, offset: number, n: number): number {
  if (n < 0x40) {
    out[offset] = n;
    return offset + 1;
  }
  if (n < 0x4000) {
    out[offset] = 0x40 | (n >>> 8);
    out[offset + 1] = n & 0xff;
    return offset + 2;
  }
  out[offset] = 0x80 | (n >>> 24);
  out[offset + 1] = (n >>> 16) & 0xff;
  out[offset + 2] = (n >>> 8) & 0xff;
  out[offset + 3] = n & 0xff;
  return offset + 4;
}

export function encodeVarint(value: number | bigint): Uint8Array {
  const length = typeof value === 'bigint' && value > BigInt(Number.MAX_SAFE_INTEGER) ? 8 : varintLength(Number(value));
  const out = new Uint8Array(length);
  writeVarint(out, 0, value);
  return out;
}

export interface VarintRead {
  readonly value: number;
  /** Offset just after the varint. */
  readonly next: number;
}

/** Reads a varint at `offset`; `undefined` when the buffer ends before the varint does. */
export function readVarint(buf: Uint8Array, offset: number): VarintRead | undefined {
  if (offset >= buf.length) return undefined;
  const first = buf[offset] ?? 0;
  const length = 1 << (first >> 6);
  if (offset + length > buf.length) return undefined;
  let value = first & 0x3f;
  for (let i = 1; i < length; i += 1) value = value * 256 + (buf[offset + i] ?? 0);
  return { value, next: offset + length };
}

/** Concatenates byte arrays (control-path helper; the media path never copies). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

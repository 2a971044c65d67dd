/**
 * QPACK field sections (RFC 9204 §4.5) without a dynamic table: this endpoint advertises
 * SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0 (RFC 9204 §3.2.3), so a peer may only use the static table
 * (Appendix A) and literals, Huffman-coded or not (RFC 9204 §4.1.2, RFC 7541 §5.2). Any reference
 * to the dynamic table is QPACK_DECOMPRESSION_FAILED (RFC 9204 §2.2.3).
 */
import { H3Error, H3ErrorCode } from './errors.ts';
import { huffmanDecode } from './huffman.ts';
import { STATIC_TABLE } from './qpack-static-table.ts';
import { concatBytes } from './varint.ts';

export interface HeaderField {
  readonly name: string;
  readonly value: string;
}

const fail = (message: string): never => {
  throw new H3Error(H3ErrorCode.QPACK_DECOMPRESSION_FAILED, message);
};

/** Largest prefixed integer accepted; header indexes and lengths beyond it are nonsense. */
const MAX_PREFIX_INT = 2 ** 32;

/** Prefixed integer (RFC 9204 §4.1.1 = RFC 7541 §5.1) whose prefix is the low `bits` of buf[offset]. */
function readPrefixInt(buf: Uint8Array, offset: number, bits: number): { value: number; next: number } {
  if (offset >= buf.length) return fail('truncated integer');
  const max = (1 << bits) - 1;
  let value = (buf[offset] ?? 0) & max;
  let next = offset + 1;
  if (value < max) return { value, next };
  let scale = 1;
  for (;;) {
    if (next >= buf.length) return fail('truncated integer');
    const byte = buf[next++] ?? 0;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (value > MAX_PREFIX_INT) return fail('integer too large');
    if ((byte & 0x80) === 0) return { value, next };
  }
}

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** String literal (RFC 9204 §4.1.2): H flag at bit `bits`, length with a `bits`-bit prefix. */
function readString(buf: Uint8Array, offset: number, bits: number, maxLength: number): { value: string; next: number } {
  const huffman = ((buf[offset] ?? 0) >> bits) & 1;
  const length = readPrefixInt(buf, offset, bits);
  if (length.value > maxLength) return fail('string literal too long');
  const end = length.next + length.value;
  if (end > buf.length) return fail('truncated string literal');
  const raw = buf.subarray(length.next, end);
  return { value: textDecoder.decode(huffman === 1 ? huffmanDecode(raw) : raw), next: end };
}

function staticEntry(index: number): readonly [string, string] {
  return STATIC_TABLE[index] ?? fail(`static index ${index} out of range`);
}

/** Decodes one field line at `offset` (RFC 9204 §4.5.2–§4.5.6). */
function readFieldLine(block: Uint8Array, offset: number, maxString: number): { field: HeaderField; next: number } {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    // §4.5.2 Indexed Field Line: 1 T index(6+).
    if ((first & 0x40) === 0) return fail('dynamic table reference');
    const index = readPrefixInt(block, offset, 6);
    const [name, value] = staticEntry(index.value);
    return { field: { name, value }, next: index.next };
  }
  if (first & 0x40) {
    // §4.5.4 Literal Field Line with Name Reference: 01 N T index(4+), then the value.
    if ((first & 0x10) === 0) return fail('dynamic table reference');
    const index = readPrefixInt(block, offset, 4);
    const [name] = staticEntry(index.value);
    const value = readString(block, index.next, 7, maxString);
    return { field: { name, value: value.value }, next: value.next };
  }
  if (first & 0x20) {
    // §4.5.6 Literal Field Line with Literal Name: 001 N H length(3+), name, then the value.
    const name = readString(block, offset, 3, maxString);
    const value = readString(block, name.next, 7, maxString);
    return { field: { name: name.value, value: value.value }, next: value.next };
  }
  // §4.5.3 / §4.5.5: post-base references always point into the dynamic table.
  return fail('dynamic table reference');
}

export interface DecodeFieldSectionOptions {
  /** Cap on the decoded size (sum of name + value + 32 per field, RFC 9114 §4.2.2). */
  readonly maxFieldSectionSize?: number;
}

/** Decodes an encoded field section (the payload of a HEADERS frame). Throws H3Error on any violation. */
export function decodeFieldSection(block: Uint8Array, options: DecodeFieldSectionOptions = {}): HeaderField[] {
  const maxSize = options.maxFieldSectionSize ?? 16 * 1024;
  // §4.5.1 prefix: Required Insert Count (8-bit prefix) must be 0 without a dynamic table, then S + Delta Base.
  const ric = readPrefixInt(block, 0, 8);
  if (ric.value !== 0) return fail('required insert count > 0 without a dynamic table');
  const base = readPrefixInt(block, ric.next, 7);
  const fields: HeaderField[] = [];
  let size = 0;
  let offset = base.next;
  while (offset < block.length) {
    const line = readFieldLine(block, offset, maxSize);
    size += line.field.name.length + line.field.value.length + 32;
    if (size > maxSize) return fail('field section too large');
    fields.push(line.field);
    offset = line.next;
  }
  return fields;
}

const textEncoder = new TextEncoder();

function encodePrefixInt(value: number, bits: number, flags: number): number[] {
  const max = (1 << bits) - 1;
  if (value < max) return [flags | value];
  const out = [flags | max];
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

function encodeString(value: string, bits: number, flags: number): Uint8Array {
  const bytes = textEncoder.encode(value);
  return concatBytes([Uint8Array.from(encodePrefixInt(bytes.length, bits, flags)), bytes]);
}

/** Encodes a field section with the static table and plain literals only (no Huffman, no dynamic table). */
export function encodeFieldSection(fields: readonly HeaderField[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x00, 0x00)]; // RIC 0, Delta Base 0 (§4.5.1)
  for (const { name, value } of fields) {
    const exact = STATIC_TABLE.findIndex(([n, v]) => n === name && v === value);
    if (exact >= 0) {
      parts.push(Uint8Array.from(encodePrefixInt(exact, 6, 0xc0)));
      continue;
    }
    const byName = STATIC_TABLE.findIndex(([n]) => n === name);
    if (byName >= 0) {
      parts.push(Uint8Array.from(encodePrefixInt(byName, 4, 0x50)), encodeString(value, 7, 0x00));
    } else {
      parts.push(encodeString(name, 3, 0x20), encodeString(value, 7, 0x00));
    }
  }
  return concatBytes(parts);
}

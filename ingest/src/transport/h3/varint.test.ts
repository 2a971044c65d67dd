import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeVarint, readVarint } from './varint.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

// RFC 9000 §A.1 sample decodings, plus the minimal encodings this encoder picks.
const cases: readonly { bytes: string; value: number | bigint; minimal: boolean }[] = [
  { bytes: 'c2197c5eff14e88c', value: 151288809941952652n, minimal: true },
  { bytes: '9d7f3e7d', value: 494878333, minimal: true },
  { bytes: '7bbd', value: 15293, minimal: true },
  { bytes: '25', value: 37, minimal: true },
  { bytes: '4025', value: 37, minimal: false },
  { bytes: '3f', value: 63, minimal: true },
  { bytes: '4040', value: 64, minimal: true },
  { bytes: '7fff', value: 16383, minimal: true },
  { bytes: '80004000', value: 16384, minimal: true },
  { bytes: 'c000000040000000', value: 1073741824, minimal: true },
];

describe('varint (RFC 9000 §16)', () => {
  it.each(cases)('decodes $bytes as $value', ({ bytes, value }) => {
    const read = readVarint(hex(bytes), 0);
    // Above 2^53 the decoder returns the nearest double (documented in varint.ts).
    expect(read).toEqual({ value: Number(value), next: hex(bytes).length });
  });

  it.each(cases.filter((c) => c.minimal))('encodes $value as $bytes', ({ bytes, value }) => {
    expect(Buffer.from(encodeVarint(value)).toString('hex')).toBe(bytes);
  });

  it('asks for more bytes instead of failing on a truncated varint', () => {
    expect(readVarint(hex('c2197c'), 0)).toBeUndefined();
    expect(readVarint(new Uint8Array(0), 0)).toBeUndefined();
  });

  it('round-trips every safe integer', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (value) => {
      const bytes = encodeVarint(value);
      expect(readVarint(bytes, 0)).toEqual({ value, next: bytes.length });
    }));
  });

  it('rejects values outside 0..2^62-1', () => {
    expect(() => encodeVarint(-1)).toThrow(RangeError);
    expect(() => encodeVarint(2n ** 62n)).toThrow(RangeError);
  });
});

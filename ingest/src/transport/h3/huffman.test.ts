import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HUFFMAN_CODES, HUFFMAN_LENGTHS, huffmanDecode, huffmanEncode } from './huffman.ts';
import { H3Error } from './errors.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

// RFC 7541 Appendix C.4 and C.6 Huffman-coded strings.
const cases = [
  { text: 'www.example.com', coded: 'f1e3 c2e5 f23a 6ba0 ab90 f4ff' },
  { text: 'no-cache', coded: 'a8eb 1064 9cbf' },
  { text: 'custom-key', coded: '25a8 49e9 5ba9 7d7f' },
  { text: 'custom-value', coded: '25a8 49e9 5bb8 e8b4 bf' },
  { text: '302', coded: '6402' },
  { text: 'private', coded: 'aec3 771a 4b' },
  { text: 'Mon, 21 Oct 2013 20:13:21 GMT', coded: 'd07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff' },
  { text: 'https://www.example.com', coded: '9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3' },
];

describe('Huffman (RFC 7541 Appendix B)', () => {
  it('rebuilds the printed codes from the canonical lengths', () => {
    // Spot checks against Appendix B: (symbol, code, bits).
    const printed: readonly [number, number, number][] = [
      [0, 0x1ff8, 13], [9, 0xffffea, 24], [32, 0x14, 6], [48, 0x0, 5], [92, 0x7fff0, 19],
      [127, 0xffffffc, 28], [195, 0x7fff1, 19], [255, 0x3ffffee, 26], [256, 0x3fffffff, 30],
    ];
    for (const [symbol, code, bits] of printed) {
      expect([HUFFMAN_CODES[symbol], HUFFMAN_LENGTHS[symbol]]).toEqual([code, bits]);
    }
  });

  it.each(cases)('decodes and encodes "$text" (RFC 7541 C.4/C.6)', ({ text, coded }) => {
    expect(Buffer.from(huffmanDecode(hex(coded))).toString('latin1')).toBe(text);
    expect(Buffer.from(huffmanEncode(Buffer.from(text, 'latin1'))).toString('hex')).toBe(coded.replace(/\s/g, ''));
  });

  it('rejects padding longer than 7 bits, padding with zeros and the EOS symbol', () => {
    expect(() => huffmanDecode(hex('6402ff'))).toThrow(H3Error); // '302' + a whole byte of padding
    expect(() => huffmanDecode(hex('18'))).toThrow(H3Error); // 'a' then zero padding
    expect(() => huffmanDecode(hex('ffffffff'))).toThrow(H3Error); // EOS (30 ones)
  });

  it('round-trips arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(huffmanDecode(huffmanEncode(bytes))).toEqual(bytes);
    }));
  });

  it('never throws anything but H3Error on random input', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        huffmanDecode(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(H3Error);
      }
    }));
  });
});

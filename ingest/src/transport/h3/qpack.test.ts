import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeFieldSection, encodeFieldSection } from './qpack.ts';
import { H3Error, H3ErrorCode } from './errors.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

const cases: readonly { name: string; block: string; fields: [string, string][] }[] = [
  // RFC 9204 Appendix B.1: literal field line with a static name reference.
  { name: 'B.1 :path=/index.html', block: '0000 510b 2f69 6e64 6578 2e68 746d 6c', fields: [[':path', '/index.html']] },
  // Indexed static lines (§4.5.2): :method CONNECT (15), :scheme https (23), :status 200 (25).
  { name: 'indexed static', block: '0000 cf d7 d9', fields: [[':method', 'CONNECT'], [':scheme', 'https'], [':status', '200']] },
  // Name reference with a Huffman value (RFC 7541 C.4.1 "www.example.com").
  { name: 'Huffman value', block: '0000 50 8c f1e3c2e5f23a6ba0ab90f4ff', fields: [[':authority', 'www.example.com']] },
  // Literal name and value (§4.5.6), as Chromium sends :protocol.
  { name: 'literal name', block: '0000 27 02 3a70 726f 746f 636f 6c 0c 7765627472616e73706f7274', fields: [[':protocol', 'webtransport']] },
  // Literal name with Huffman name (H bit 0x08) "custom-key" / value "custom-value" (RFC 7541 C.4.3).
  { name: 'Huffman name', block: '0000 2f01 25a849e95ba97d7f 8925a849e95bb8e8b4bf', fields: [['custom-key', 'custom-value']] },
];

describe('QPACK field sections (RFC 9204 §4.5, static table only)', () => {
  it.each(cases)('decodes $name', ({ block, fields }) => {
    expect(decodeFieldSection(hex(block)).map((f) => [f.name, f.value])).toEqual(fields);
  });

  it('round-trips what the encoder writes', () => {
    const fields = [
      { name: ':status', value: '200' },
      { name: 'sec-webtransport-http3-draft', value: 'draft02' },
      { name: ':path', value: '/ingest' },
      { name: 'x-long', value: 'v'.repeat(300) },
    ];
    expect(decodeFieldSection(encodeFieldSection(fields))).toEqual(fields);
  });

  it('refuses dynamic table references (capacity 0)', () => {
    for (const block of ['0100 d1', '0000 91', '0000 10', '0000 4f00', '0000 0800']) {
      expect(() => decodeFieldSection(hex(block))).toThrow(expect.objectContaining({ code: H3ErrorCode.QPACK_DECOMPRESSION_FAILED }));
    }
  });

  it('refuses truncated blocks, out-of-range indexes and oversized sections', () => {
    expect(() => decodeFieldSection(hex('00'))).toThrow(H3Error);
    expect(() => decodeFieldSection(hex('0000 ff ff ff ff 7f'))).toThrow(H3Error);
    expect(() => decodeFieldSection(hex('0000 510b 2f69'))).toThrow(H3Error);
    const big = encodeFieldSection([{ name: 'x', value: 'y'.repeat(2000) }]);
    expect(() => decodeFieldSection(big, { maxFieldSectionSize: 1000 })).toThrow(H3Error);
  });

  it('never throws anything but H3Error on random or mutated blocks (fuzz)', () => {
    const seeds = cases.map((c) => hex(c.block));
    const mutated = fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([seed, at, byte]) => {
      const copy = Uint8Array.from(seed);
      copy[at % copy.length] = byte;
      return copy;
    });
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 128 }), mutated), (block) => {
      try {
        decodeFieldSection(block);
      } catch (error) {
        expect(error).toBeInstanceOf(H3Error);
      }
    }), { numRuns: 2000 });
  });
});

/**
 * The HPACK Huffman code (RFC 7541 Appendix B), used by QPACK string literals (RFC 9204 §4.1.2).
 *
 * The code is canonical: codes of equal length are consecutive in symbol order and each longer
 * code continues from the shorter ones shifted left. So the bit length of each of the 257 symbols
 * (0–255 and EOS = 256) fully determines it; the codes are rebuilt from this table at load time
 * and the unit test checks them against values printed in Appendix B.
 */
import { H3Error, H3ErrorCode } from './errors.ts';

// prettier-ignore
const CODE_LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];

const EOS = 256;

/** Canonical code assignment: sort by (length, symbol), count upwards, shift on each length step. */
function buildCodes(lengths: readonly number[]): number[] {
  const symbols = lengths.map((_, symbol) => symbol).sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0) || a - b);
  const codes = new Array<number>(lengths.length).fill(0);
  let code = 0;
  let previous = lengths[symbols[0] ?? 0] ?? 0;
  for (const symbol of symbols) {
    const length = lengths[symbol] ?? 0;
    code *= 2 ** (length - previous); // multiply, not shift: 30-bit codes overflow int32 shifts
    previous = length;
    codes[symbol] = code;
    code += 1;
  }
  return codes;
}

export const HUFFMAN_CODES: readonly number[] = buildCodes(CODE_LENGTHS);
export const HUFFMAN_LENGTHS: readonly number[] = CODE_LENGTHS;

/** Binary decoding tree: children[2n] / children[2n+1] are node n's 0/1 children; leaves hold ~symbol. */
const children = new Int32Array(2 * 2 * CODE_LENGTHS.length).fill(0);
{
  let nodes = 1;
  HUFFMAN_CODES.forEach((code, symbol) => {
    const length = CODE_LENGTHS[symbol] ?? 0;
    let node = 0;
    for (let bit = length - 1; bit >= 0; bit -= 1) {
      const slot = 2 * node + (Math.floor(code / 2 ** bit) % 2);
      if (bit === 0) {
        children[slot] = ~symbol;
      } else {
        if (children[slot] === 0) children[slot] = nodes++;
        node = children[slot] ?? 0;
      }
    }
  });
}

/** Decodes a Huffman-coded string (RFC 7541 §5.2): padding ≤ 7 bits of the EOS prefix, no EOS symbol. */
export function huffmanDecode(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil((input.length * 8) / 5));
  let length = 0;
  let node = 0;
  let depth = 0;
  let allOnes = true;
  for (const byte of input) {
    for (let bit = 7; bit >= 0; bit -= 1) {
      const one = (byte >> bit) & 1;
      const next = children[2 * node + one] ?? 0;
      depth += 1;
      allOnes &&= one === 1;
      if (next < 0) {
        const symbol = ~next;
        if (symbol === EOS) throw new H3Error(H3ErrorCode.QPACK_DECOMPRESSION_FAILED, 'Huffman EOS in string');
        out[length++] = symbol;
        node = 0;
        depth = 0;
        allOnes = true;
      } else if (next === 0) {
        throw new H3Error(H3ErrorCode.QPACK_DECOMPRESSION_FAILED, 'invalid Huffman code');
      } else {
        node = next;
      }
    }
  }
  if (depth > 7 || !allOnes) throw new H3Error(H3ErrorCode.QPACK_DECOMPRESSION_FAILED, 'invalid Huffman padding');
  return out.subarray(0, length);
}

/** Huffman-encodes bytes, padding the last byte with the EOS prefix (1 bits). */
export function huffmanEncode(input: Uint8Array): Uint8Array {
  let bits = 0;
  for (const byte of input) bits += CODE_LENGTHS[byte] ?? 0;
  const out = new Uint8Array(Math.ceil(bits / 8));
  let position = 0;
  for (const byte of input) {
    const code = HUFFMAN_CODES[byte] ?? 0;
    const length = CODE_LENGTHS[byte] ?? 0;
    for (let bit = length - 1; bit >= 0; bit -= 1, position += 1) {
      if (Math.floor(code / 2 ** bit) % 2 === 1) out[position >> 3] = (out[position >> 3] ?? 0) | (0x80 >> (position & 7));
    }
  }
  for (; position < out.length * 8; position += 1) out[position >> 3] = (out[position >> 3] ?? 0) | (0x80 >> (position & 7));
  return out;
}

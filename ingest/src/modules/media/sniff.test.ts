import { describe, expect, it } from 'vitest';
import { parseByteRange } from './byte-range.ts';
import { sniffMediaType } from './sniff.ts';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));

describe('sniffMediaType', () => {
  it.each([
    ['png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'image/png'],
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image/jpeg'],
    ['gif', bytes('GIF89a', [1, 0]), 'image/gif'],
    ['webp', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['mp4', bytes([0, 0, 0, 0x20], 'ftypisom'), 'video/mp4'],
    ['mov', bytes([0, 0, 0, 0x14], 'ftypqt  '), 'video/quicktime'],
    ['webm', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]), 'video/webm'],
    ['text', bytes('hello world!'), null],
    ['svg (scripts: refused)', bytes('<svg xmlns="'), null],
    ['riff wav', bytes('RIFF', [0, 0, 0, 0], 'WAVE'), null],
    ['truncated png', bytes([0x89], 'PN'), null],
  ] as const)('%s', (_name, head, expected) => {
    expect(sniffMediaType(head)).toBe(expected);
  });
});

describe('parseByteRange (RFC 9110 §14.1.2)', () => {
  it.each([
    [undefined, undefined],
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=900-', { start: 900, end: 999 }],
    ['bytes=900-5000', { start: 900, end: 999 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=1000-', null],
    ['bytes=5-4', null],
    ['bytes=-0', null],
    ['bytes=-', null],
    ['bytes=abc', null],
    ['bytes=0-1,5-6', undefined],
    ['items=0-1', undefined],
  ] as const)('%s', (header, expected) => {
    expect(parseByteRange(header, 1000)).toEqual(expected);
  });
});

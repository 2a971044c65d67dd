import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { WireDecoder } from './wire-decoder.ts';
import { encodeMessage } from './encode.ts';
import type { WireMessage } from './messages.ts';
import type { WireDecodeItem, WireErrorCode } from './wire-error.ts';
import { concatBytes, fromHex, invalidCases, validCases } from './wire-cases.fixture.ts';

/** Feeds `bytes` split at `cuts` (sorted offsets) and returns everything the decoder yields. */
const feed = (decoder: WireDecoder, bytes: Uint8Array, cuts: readonly number[]): WireDecodeItem[] => {
  const items: WireDecodeItem[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    items.push(...decoder.push(bytes.subarray(start, cut)));
    start = cut;
  }
  return items;
};

const messagesOf = (items: readonly WireDecodeItem[]): WireMessage[] =>
  items.map((item) => {
    if (!item.ok) throw new Error(`${item.error.code}: ${item.error.message}`);
    return item.message;
  });

const stream = concatBytes(validCases.map((c) => fromHex(c.hex)));
const expected = validCases.map((c) => c.message);
const everyByte = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);

describe('WireDecoder on the valid table as one stream', () => {
  it('decodes it pushed whole, in place', () => {
    expect(messagesOf(new WireDecoder().push(stream))).toEqual(expected);
  });

  it('decodes it pushed 1 byte at a time', () => {
    const decoder = new WireDecoder();
    expect(messagesOf(feed(decoder, stream, everyByte))).toEqual(expected);
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.end()).toBeUndefined();
  });

  it('decodes it in random splits', () => {
    const cuts = fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 60 }).map((c) => c.sort((a, b) => a - b));
    fc.assert(fc.property(cuts, (sorted) => {
      expect(messagesOf(feed(new WireDecoder(), stream, sorted))).toEqual(expected);
    }), { numRuns: 300 });
  });

  it('decodes large frames split into QUIC-sized, tiny and mixed pieces', () => {
    const frames: WireMessage[] = [100, 70_000, 200_000].map((size, i) => ({
      type: 'frame', trackId: 1, timestamp: i as never, duration: 0 as never, keyframe: i === 0,
      payload: Uint8Array.from({ length: size }, (_, j) => (j * 31 + i) & 0xff),
    }));
    const bytes = concatBytes(frames.map((m) => encodeMessage(m)));
    const patterns = [1200, 7, 1, 513, 511];
    for (const step of patterns) {
      const cuts = Array.from({ length: Math.floor((bytes.length - 1) / step) }, (_, i) => (i + 1) * step);
      expect(messagesOf(feed(new WireDecoder(), bytes, cuts))).toEqual(frames);
    }
    // Alternating tiny and large pieces exercises the staging block flushes.
    const mixed: number[] = [];
    for (let at = 1; at < bytes.length; at += mixed.length % 2 === 0 ? 3 : 900) mixed.push(at);
    expect(messagesOf(feed(new WireDecoder(), bytes, mixed))).toEqual(frames);
  });
});

describe('WireDecoder on the invalid table', () => {
  it.each(invalidCases)('$name', ({ hex, code, streamCode, maxMessageBytes }) => {
    const bytes = fromHex(hex);
    const want: WireErrorCode | null = streamCode === undefined ? code : streamCode;
    for (const cuts of [[], Array.from({ length: Math.max(0, bytes.length - 1) }, (_, i) => i + 1)]) {
      const decoder = new WireDecoder(maxMessageBytes === undefined ? undefined : { maxMessageBytes });
      const items = feed(decoder, bytes, cuts);
      const failure = items.find((item): item is Extract<WireDecodeItem, { ok: false }> => !item.ok);
      const got = failure ? failure.error.code : (decoder.end()?.code ?? null);
      expect(got).toBe(want);
      if (failure) expect(items.at(-1)).toBe(failure);
    }
  });
});

describe('WireDecoder failure and memory', () => {
  it('stays failed after an error and drops what it held', () => {
    const decoder = new WireDecoder();
    const items = decoder.push(concatBytes([fromHex(validCases[0]?.hex ?? ''), fromHex('00000001 0a'.replace(' ', '')), stream]));
    expect(items.map((item) => (item.ok ? item.message.type : item.error.code))).toEqual(['hello', 'WIRE_UNKNOWN_TYPE']);
    expect(decoder.error?.code).toBe('WIRE_UNKNOWN_TYPE');
    expect(decoder.push(stream)).toEqual([]);
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.end()?.code).toBe('WIRE_UNKNOWN_TYPE');
  });

  it('rejects a huge claimed length as soon as the 4 prefix bytes are known', () => {
    const decoder = new WireDecoder();
    for (const byte of [0xff, 0xff, 0xff]) {
      expect(decoder.push(Uint8Array.of(byte))).toEqual([]);
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(3);
    }
    const items = decoder.push(Uint8Array.of(0xff, 1, 2, 3));
    expect(items).toHaveLength(1);
    expect(items[0]?.ok === false && items[0].error.code).toBe('WIRE_TOO_LARGE');
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('does not allocate a large allowed claim before the bytes arrive, even trickled', () => {
    const decoder = new WireDecoder({ maxMessageBytes: 0xffffffff });
    expect(decoder.push(fromHex('fffffff0 05'))).toEqual([]);
    for (let i = 0; i < 20_000; i++) decoder.push(Uint8Array.of(i & 0xff));
    // 20 001 bytes received: held in 4 KiB staging blocks, far below the 4 GiB claimed.
    expect(decoder.bufferedBytes).toBeGreaterThanOrEqual(20_001);
    expect(decoder.bufferedBytes).toBeLessThan(20_001 + 4096);
    decoder.push(new Uint8Array(100_000));
    expect(decoder.bufferedBytes).toBeLessThanOrEqual(120_001 + 4096);
    expect(decoder.end()?.code).toBe('WIRE_TRUNCATED');
  });

  it('accepts a raised cap after construction (low cap before hello is verified)', () => {
    const big = encodeMessage({ type: 'status', json: 'x'.repeat(5000) });
    const decoder = new WireDecoder({ maxMessageBytes: 4096 });
    expect(messagesOf(decoder.push(fromHex(validCases[0]?.hex ?? '')))).toHaveLength(1);
    decoder.maxMessageBytes = 8 * 1024 * 1024;
    expect(messagesOf(decoder.push(big))).toHaveLength(1);
  });

  it('fails closed on a NaN or negative cap', () => {
    for (const maxMessageBytes of [Number.NaN, -1]) {
      const items = new WireDecoder({ maxMessageBytes }).push(fromHex(validCases[0]?.hex ?? ''));
      expect(items.map((item) => (item.ok ? 'ok' : item.error.code))).toEqual(['WIRE_TOO_LARGE']);
    }
  });

  it('close() drops buffered bytes and ignores later pushes', () => {
    const decoder = new WireDecoder();
    decoder.push(stream.subarray(0, 7));
    expect(decoder.bufferedBytes).toBeGreaterThan(0);
    decoder.close();
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.push(stream)).toEqual([]);
  });
});

describe('WireDecoder copies', () => {
  /** Bytes copied by typed-array `set` and `slice` while `run` runs (the decoder's only ways to copy). */
  const bytesCopiedBy = (run: () => void): number => {
    const set = vi.spyOn(Uint8Array.prototype, 'set');
    const slice = vi.spyOn(Uint8Array.prototype, 'slice');
    try {
      run();
      const setBytes = set.mock.calls.reduce((n, [source]) => n + source.length, 0);
      return slice.mock.results.reduce((n, result) => n + (result.type === 'return' ? result.value.length : 0), setBytes);
    } finally {
      set.mockRestore();
      slice.mockRestore();
    }
  };
  const frames: WireMessage[] = [100, 1000, 70_000, 200_000, 150_000].map((size, i) => ({
    type: 'frame', trackId: 1, timestamp: i as never, duration: 0 as never, keyframe: i === 0, payload: new Uint8Array(size).fill(i + 1),
  }));
  const bytes = concatBytes(frames.map((m) => encodeMessage(m)));

  it('decodes messages inside one chunk in place: no byte copied', () => {
    let items: WireDecodeItem[] = [];
    expect(bytesCopiedBy(() => { items = new WireDecoder().push(bytes); })).toBe(0);
    expect(messagesOf(items).map((m) => m.type === 'frame' && m.payload.buffer === bytes.buffer)).toEqual(frames.map(() => true));
  });

  it.each([1200, 1000, 16 * 1024])('copies each byte of a message spread over %i-byte chunks at most once, into one exact buffer', (step) => {
    for (const offset of [0, 37, 700]) {
      const cuts = [offset, ...Array.from({ length: Math.floor(bytes.length / step) }, (_, i) => offset + (i + 1) * step)].filter((c) => c > 0 && c < bytes.length);
      let items: WireDecodeItem[] = [];
      const copied = bytesCopiedBy(() => { items = feed(new WireDecoder(), bytes, cuts); });
      expect(messagesOf(items)).toEqual(frames);
      expect(copied).toBeLessThanOrEqual(bytes.length);
      for (const message of messagesOf(items)) {
        if (message.type !== 'frame' || message.payload.buffer === bytes.buffer) continue;
        expect(message.payload.buffer.byteLength).toBe(1 + 14 + message.payload.length);
      }
    }
  });
});

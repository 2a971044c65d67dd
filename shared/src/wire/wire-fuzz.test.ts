import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeMessage } from './encode.ts';
import { decodeMessage } from './decode.ts';
import { WireDecoder } from './wire-decoder.ts';
import { WireSessionValidator } from './session-validator.ts';
import { isWireErrorCode, type WireDecodeItem } from './wire-error.ts';
import { micro, milli } from '../time.ts';
import type { WireMessage } from './messages.ts';
import { concatBytes, fromHex, toHex, validCases } from './wire-cases.fixture.ts';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
// `+ 0` turns -0 into 0: the wire has no negative zero integer.
const safeInt = fc.maxSafeInteger().map((v) => v + 0);
const f64 = fc.double({ noNaN: true, noDefaultInfinity: true });
const text = fc.string({ unit: 'binary', maxLength: 40 });
const bytes = fc.uint8Array({ maxLength: 300 });

/** Every message type with values across each field's whole range. */
const wireMessageArb: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.record({ type: fc.constant('hello' as const), version: u16, token: text }),
  fc.record({ type: fc.constant('hello-ok' as const), sessionId: text, maxMessageBytes: u32 }),
  fc.record({ type: fc.constant('error' as const), code: text, reason: text }),
  fc.record({
    type: fc.constant('track' as const), kind: fc.constant('video' as const), trackId: u8, codec: text, description: bytes,
    width: u16, height: u16, framerate: f64,
  }),
  fc.record({
    type: fc.constant('track' as const), kind: fc.constant('audio' as const), trackId: u8, codec: text, description: bytes,
    sampleRate: u32, channels: u8,
  }),
  fc.record({
    type: fc.constant('frame' as const), trackId: u8, timestamp: safeInt.map(micro), duration: u32.map(micro), keyframe: fc.boolean(), payload: bytes,
    compositionOffset: u32.map(micro),
  }, { requiredKeys: ['type', 'trackId', 'timestamp', 'duration', 'keyframe', 'payload'] }),
  fc.record({
    type: fc.constant('stats' as const), sequence: u32, sentAt: f64.map(milli), newestCaptureTimestamp: safeInt.map(micro), framesSent: u32, framesDropped: u32,
  }),
  fc.record({ type: fc.constant('ack' as const), sequence: u32, echoedSentAt: f64.map(milli), framesReceived: u32, bytesReceived: fc.maxSafeNat() }),
  fc.record({ type: fc.constant('status' as const), json: text }),
  fc.record({ type: fc.constant('goodbye' as const), reason: text }),
);

/** Split points as fractions, so they apply to byte strings of any length. */
const splitsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 });

const feed = (decoder: WireDecoder, data: Uint8Array, splits: readonly number[]): WireDecodeItem[] => {
  const cuts = [...new Set(splits.map((s) => Math.floor(s * data.length)))].sort((a, b) => a - b);
  const items: WireDecodeItem[] = [];
  let start = 0;
  for (const cut of [...cuts, data.length]) {
    items.push(...decoder.push(data.subarray(start, cut)));
    start = cut;
  }
  return items;
};

/**
 * The invariants for any input: no throw; at most one error, last, with a registry code; and every
 * byte the decoder accepted re-encodes exactly (each valid byte string has one decoding).
 */
const checkStream = (data: Uint8Array, splits: readonly number[], maxMessageBytes?: number): void => {
  const decoder = new WireDecoder(maxMessageBytes === undefined ? undefined : { maxMessageBytes });
  const items = feed(decoder, data, splits);
  const errors = items.filter((item) => !item.ok);
  expect(errors.length).toBeLessThanOrEqual(1);
  if (errors[0]) expect(items.at(-1)).toBe(errors[0]);
  const validator = new WireSessionValidator({ expectHelloFirst: true });
  const messages: WireMessage[] = [];
  for (const item of items) {
    if (!item.ok) {
      expect(isWireErrorCode(item.error.code)).toBe(true);
      continue;
    }
    messages.push(item.message);
    const error = validator.check(item.message);
    if (error) expect(isWireErrorCode(error.code)).toBe(true);
  }
  const end = decoder.end();
  if (end) expect(isWireErrorCode(end.code)).toBe(true);
  if (!end) expect(toHex(concatBytes(messages.map((m) => encodeMessage(m, { maxMessageBytes: 0xffffffff }))))).toBe(toHex(data));
};

const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), count: fc.integer({ min: 1, max: 8 }) }),
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

const mutate = (data: Uint8Array, mutation: Mutation): Uint8Array => {
  const at = Math.min(Math.floor(mutation.at * data.length), Math.max(0, data.length - 1));
  switch (mutation.kind) {
    case 'flip': {
      const out = data.slice();
      if (out.length > 0) out[at] = (out[at] ?? 0) ^ (1 << mutation.bit);
      return out;
    }
    case 'truncate':
      return data.slice(0, at);
    case 'insert':
      return concatBytes([data.subarray(0, at), mutation.bytes, data.subarray(at)]);
    case 'delete':
      return concatBytes([data.subarray(0, at), data.subarray(at + mutation.count)]);
  }
};

describe('wire fuzz (fast-check)', () => {
  it('round-trips any valid message byte-exactly', () => {
    fc.assert(fc.property(wireMessageArb, (message) => {
      const encoded = encodeMessage(message);
      const decoded = decodeMessage(encoded);
      expect(decoded.ok && decoded.message).toEqual(message);
      if (decoded.ok) expect(toHex(encodeMessage(decoded.message))).toBe(toHex(encoded));
    }), { numRuns: 2000 });
  });

  it('decodeMessage on random bytes never throws and only yields registry codes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.option(u32, { nil: undefined }), (data, max) => {
      const result = decodeMessage(data, max === undefined ? undefined : { maxMessageBytes: max });
      if (!result.ok) expect(isWireErrorCode(result.error.code)).toBe(true);
      else expect(toHex(encodeMessage(result.message, { maxMessageBytes: 0xffffffff }))).toBe(toHex(data));
    }), { numRuns: 5000 });
  });

  it('WireDecoder on random bytes in random splits keeps its invariants', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), splitsArb, fc.option(u32, { nil: undefined }), (data, splits, max) => {
      checkStream(data, splits, max);
    }), { numRuns: 3000 });
  });

  it('WireDecoder on random bytes behind a valid type byte (deeper paths) keeps its invariants', () => {
    const typed = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.uint8Array({ maxLength: 60 })).map(([type, body]) => {
      const out = new Uint8Array(5 + body.length);
      new DataView(out.buffer).setUint32(0, 1 + body.length);
      out[4] = type;
      out.set(body, 5);
      return out;
    });
    fc.assert(fc.property(typed, splitsArb, (data, splits) => {
      checkStream(data, splits);
    }), { numRuns: 5000 });
  });

  it('WireDecoder on mutated valid streams keeps its invariants', () => {
    const streamArb = fc.array(wireMessageArb, { minLength: 1, maxLength: 6 }).map((ms) => concatBytes(ms.map((m) => encodeMessage(m))));
    fc.assert(fc.property(streamArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), splitsArb, (data, mutations, splits) => {
      checkStream(mutations.reduce(mutate, data), splits);
    }), { numRuns: 2000 });
  });

  it('WireDecoder on mutations of the table stream keeps its invariants', () => {
    const table = concatBytes(validCases.map((c) => fromHex(c.hex)));
    fc.assert(fc.property(mutationArb, splitsArb, (mutation, splits) => {
      checkStream(mutate(table, mutation), splits);
    }), { numRuns: 2000 });
  });
});

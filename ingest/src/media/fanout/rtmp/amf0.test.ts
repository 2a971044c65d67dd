import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAmf0, encodeAmf0, type AmfValue } from './amf0.ts';

const table: { name: string; values: AmfValue[]; hex?: string }[] = [
  { name: 'number', values: [1], hex: '003ff0000000000000' },
  { name: 'boolean', values: [true, false], hex: '01010100' },
  { name: 'string', values: ['connect'], hex: '020007636f6e6e656374' },
  { name: 'null and undefined', values: [null, undefined], hex: '0506' },
  { name: 'object', values: [{ app: 'live', n: 2 }] },
  { name: 'strict array', values: [[1, 'a', null]] },
  { name: 'nested object', values: [{ code: 'NetStream.Publish.Start', info: { level: 'status' } }] },
  { name: 'long string', values: ['x'.repeat(70_000)] },
];

describe('AMF0', () => {
  it.each(table)('round-trips $name', ({ values, hex }) => {
    const bytes = encodeAmf0(...values);
    if (hex !== undefined) expect(bytes.toString('hex')).toBe(hex);
    expect(decodeAmf0(bytes)).toEqual(values);
  });

  it('decodes an ECMA array as an object (onMetaData)', () => {
    const ecma = Buffer.concat([Buffer.from([0x08, 0, 0, 0, 1]), Buffer.from([0, 1, 0x77]), encodeAmf0(5), Buffer.from([0, 0, 9])]);
    expect(decodeAmf0(ecma)).toEqual([{ w: 5 }]);
  });

  it('keeps a peer\'s `__proto__` key as an own property, never as the prototype (found by the fuzz test below)', () => {
    const object = Buffer.concat([Buffer.from([0x03, 0, 9]), Buffer.from('__proto__'), encodeAmf0({ polluted: true }), Buffer.from([0, 0, 9])]);
    const [decoded] = decodeAmf0(object) as [Record<string, unknown>];
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.hasOwn(decoded, '__proto__')).toBe(true);
    expect((decoded as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('rejects truncated and unknown input', () => {
    expect(() => decodeAmf0(encodeAmf0('connect').subarray(0, 4))).toThrow(RangeError);
    expect(() => decodeAmf0(Buffer.from([0x11]))).toThrow(RangeError);
  });

  it('round-trips arbitrary values and never crashes on arbitrary bytes', () => {
    const value: fc.Arbitrary<AmfValue> = fc.letrec<{ v: AmfValue }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' },
        fc.double({ noNaN: true }), fc.boolean(), fc.string(), fc.constant(null),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string({ minLength: 1 }), tie('v'), { maxKeys: 4 })),
    })).v;
    fc.assert(fc.property(fc.array(value, { maxLength: 4 }), (values) => {
      expect(decodeAmf0(encodeAmf0(...values))).toEqual(values);
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try { decodeAmf0(Buffer.from(bytes)); } catch (error) { expect(error).toBeInstanceOf(RangeError); }
    }));
  });
});

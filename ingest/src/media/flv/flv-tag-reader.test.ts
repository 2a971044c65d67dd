import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlvTagReader } from './flv-tag-reader.ts';

function tag(type: number, timestamp: number, data: number[]): Buffer {
  const header = Buffer.alloc(11);
  header.writeUInt8(type, 0);
  header.writeUIntBE(data.length, 1, 3);
  header.writeUIntBE(timestamp & 0xffffff, 4, 3);
  header.writeUInt8(Math.floor(timestamp / 0x1000000), 7);
  const previous = Buffer.alloc(4);
  previous.writeUInt32BE(11 + data.length);
  return Buffer.concat([header, Buffer.from(data), previous]);
}

const flvHeader = Buffer.from([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]);
const stream = Buffer.concat([
  flvHeader,
  tag(18, 0, [2, 0, 1, 0x61]),
  tag(9, 0, [0x17, 0, 0, 0, 0, 1]), // AVC sequence header
  tag(8, 0, [0xaf, 0, 0x11, 0x90]), // AAC sequence header
  tag(9, 1000, [0x17, 1, 0, 0, 0, 9, 9]), // keyframe
  tag(8, 1010, [0xaf, 1, 5]),
  tag(9, 0x1000000 + 33, [0x27, 1, 0, 0, 0, 8]), // inter frame, extended timestamp (E.4.1)
]);

describe('FlvTagReader', () => {
  it('classifies tags (E.4.2.1, E.4.3.1) and reads extended timestamps', () => {
    const tags = new FlvTagReader().push(stream);
    expect(tags.map((t) => [t.kind, t.timestamp, t.keyframe, t.sequenceHeader])).toEqual([
      ['script', 0, false, false], ['video', 0, false, true], ['audio', 0, false, true],
      ['video', 1000, true, false], ['audio', 1010, false, false], ['video', 0x1000000 + 33, false, false],
    ]);
  });

  it('gives the same tags for any split of the byte stream', () => {
    const whole = new FlvTagReader().push(stream).map((t) => [t.typeId, t.timestamp, t.data.toString('hex')]);
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), (step) => {
      const reader = new FlvTagReader();
      const got = [];
      for (let i = 0; i < stream.length; i += step) got.push(...reader.push(stream.subarray(i, i + step)));
      expect(got.map((t) => [t.typeId, t.timestamp, t.data.toString('hex')])).toEqual(whole);
    }));
  });

  it('rejects a stream that is not FLV', () => {
    expect(() => new FlvTagReader().push(Buffer.from('RIFF0000000000000'))).toThrow(/not FLV/);
  });
});

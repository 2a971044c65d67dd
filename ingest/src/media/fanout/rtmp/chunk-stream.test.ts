import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkReader, encodeMessage, encodeMessageParts, type RtmpMessage } from './chunk-stream.ts';

const message = (size: number, timestamp: number, typeId = 9): RtmpMessage => ({
  typeId, streamId: 1, timestamp, payload: Buffer.from(Array.from({ length: size }, (_, i) => i & 0xff)),
});

const table = [
  { name: 'one chunk', chunkSize: 4096, msg: message(100, 40) },
  { name: 'exactly one chunk', chunkSize: 128, msg: message(128, 0) },
  { name: 'many chunks', chunkSize: 128, msg: message(1000, 33) },
  { name: 'large chunk size', chunkSize: 65536, msg: message(200_000, 1234) },
  { name: 'extended timestamp (§5.3.1.3)', chunkSize: 4096, msg: message(9000, 0x1000000 + 5) },
  { name: 'empty payload', chunkSize: 4096, msg: message(0, 7) },
];

describe('RTMP chunk stream', () => {
  it.each(table)('encode → decode: $name', ({ chunkSize, msg }) => {
    const reader = new ChunkReader();
    reader.setChunkSize(chunkSize);
    expect(reader.push(encodeMessage(6, msg, chunkSize))).toEqual([msg]);
  });

  it('uses one type-0 header and type-3 continuations (12 + ⌈n/size⌉−1 header bytes)', () => {
    expect(encodeMessage(6, message(10_000, 1), 4096).length).toBe(10_000 + 12 + 2);
  });

  it('encodes into header buffers plus views of the payload, never a copy of it', () => {
    const msg: RtmpMessage = { ...message(0, 1), payload: Buffer.alloc(10_000, 7) }; // alloc: never from the shared pool
    const parts = encodeMessageParts(6, msg, 4096);
    const views = parts.filter((part) => part.buffer === msg.payload.buffer);
    expect(views.map((v) => v.length)).toEqual([4096, 4096, 10_000 - 8192]);
    expect(Buffer.concat(parts)).toEqual(encodeMessage(6, msg, 4096));
  });

  it('reassembles messages split at any byte boundary', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 700 }), (sizes, step) => {
      const messages = sizes.map((size, i) => message(size, i * 33, i % 2 === 0 ? 8 : 9));
      const bytes = Buffer.concat(messages.map((m) => encodeMessage(4, m, 256)));
      const reader = new ChunkReader();
      reader.setChunkSize(256);
      const out: RtmpMessage[] = [];
      for (let i = 0; i < bytes.length; i += step) out.push(...reader.push(bytes.subarray(i, i + step)));
      expect(out).toEqual(messages);
    }));
  });

  it('applies Set Chunk Size (§5.4.1) to the next chunk in the same buffer', () => {
    const setChunkSize = { typeId: 1, streamId: 0, timestamp: 0, payload: Buffer.from([0, 0, 0x10, 0]) }; // 4096
    const result = message(300, 0, 20); // longer than the default 128: one 4096-byte chunk after the change
    const reader = new ChunkReader();
    expect(reader.push(Buffer.concat([encodeMessage(2, setChunkSize, 128), encodeMessage(3, result, 4096)]))).toEqual([setChunkSize, result]);
  });
});

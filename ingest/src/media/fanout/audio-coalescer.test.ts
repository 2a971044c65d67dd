import { describe, expect, it } from 'vitest';
import { describeTag, type FlvTag } from '../flv/flv-tag-reader.ts';
import { AudioCoalescer } from './audio-coalescer.ts';

const video = (ts: number): FlvTag => describeTag(9, ts, Buffer.from([0x27, 1, 0, 0, 0, 1]));
const audio = (ts: number): FlvTag => describeTag(8, ts, Buffer.from([0xaf, 1, 1]));
const stamps = (batches: FlvTag[][]): string[] => batches.map((b) => b.map((t) => `${t.kind[0] ?? ''}${t.timestamp}`).join(' '));

describe('AudioCoalescer', () => {
  it('holds audio until the next video frame and sends both in one batch, in order', () => {
    const out: FlvTag[][] = [];
    const coalescer = new AudioCoalescer((tags) => out.push(tags), 10_000);
    coalescer.push([video(0)]);
    coalescer.push([audio(5)]);
    coalescer.push([audio(26)]);
    expect(out.length).toBe(1);
    coalescer.push([video(33)]);
    coalescer.push([audio(47)]);
    coalescer.flush();
    coalescer.close();
    expect(stamps(out)).toEqual(['v0', 'a5 a26 v33', 'a47']);
  });

  it('sends held audio after maxHoldMs when no video comes, and at once when holding is off', async () => {
    const out: FlvTag[][] = [];
    const coalescer = new AudioCoalescer((tags) => out.push(tags), 20);
    coalescer.push([audio(0)]);
    expect(out.length).toBe(0);
    // Timers fire in expiry order, so the 20 ms hold has ended before this 200 ms one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stamps(out)).toEqual(['a0']);
    coalescer.hold = false;
    coalescer.push([audio(21)]);
    expect(stamps(out)).toEqual(['a0', 'a21']);
    coalescer.close();
  });
});

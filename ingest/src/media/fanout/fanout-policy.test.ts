import { describe, expect, it } from 'vitest';
import { describeTag } from '../flv/flv-tag-reader.ts';
import { backoffDelayMs, defaultBackoff } from './backoff.ts';
import { DropPolicy } from './drop-policy.ts';
import { GopCache } from './gop-cache.ts';

const key = (ts: number) => describeTag(9, ts, Buffer.from([0x17, 1, 0, 0, 0, 1]));
const inter = (ts: number) => describeTag(9, ts, Buffer.from([0x27, 1, 0, 0, 0, 1]));
const audio = (ts: number) => describeTag(8, ts, Buffer.from([0xaf, 1, 1]));
const avcHeader = describeTag(9, 0, Buffer.from([0x17, 0, 0, 0, 0, 1]));

describe('backoff', () => {
  it.each([[1, 2000], [2, 3000], [3, 4500], [4, 6750], [20, 60_000]])('attempt %i without jitter → %i ms', (attempt, ms) => {
    expect(backoffDelayMs(attempt, defaultBackoff, () => 0.5)).toBe(ms);
  });
  it('jitters within ±20 % and never above the cap', () => {
    expect(backoffDelayMs(1, defaultBackoff, () => 0)).toBe(1600);
    expect(backoffDelayMs(1, defaultBackoff, () => 1)).toBe(2400);
    expect(backoffDelayMs(30, defaultBackoff, () => 1)).toBe(60_000);
  });
});

describe('DropPolicy', () => {
  it('waits for a keyframe, then drops only non-key video above the queue limit until the next keyframe', () => {
    const policy = new DropPolicy(1000, true);
    const run = (tags: ReturnType<typeof key>[], pending: number): boolean[] => tags.map((t) => policy.admit(t, pending));
    expect(run([avcHeader, audio(0), inter(0), key(33), inter(66)], 0)).toEqual([true, false, false, true, true]);
    expect(run([inter(99), audio(99), inter(133)], 5000)).toEqual([false, true, false]);
    expect(run([inter(166)], 0)).toEqual([false]); // still dropping until a keyframe
    expect(run([key(200), inter(233)], 0)).toEqual([true, true]);
    expect(run([key(266)], 5000)).toEqual([true]); // keyframes always pass
    expect(policy.dropped).toBe(3);
  });
});

describe('GopCache', () => {
  it('keeps the headers and the latest group starting at its keyframe', () => {
    const cache = new GopCache();
    for (const tag of [avcHeader, inter(0), key(33), audio(40), inter(66), key(100), audio(110)]) cache.add(tag);
    const { headers, gop } = cache.snapshot();
    expect(headers).toEqual([avcHeader]);
    expect(gop.map((t) => [t.kind, t.timestamp])).toEqual([['video', 100], ['audio', 110]]);
  });
  it('drops a group larger than its byte cap and waits for the next keyframe', () => {
    const cache = new GopCache(10);
    for (const tag of [key(0), inter(33), inter(66)]) cache.add(tag);
    expect(cache.snapshot().gop).toEqual([]);
    cache.add(key(100));
    expect(cache.snapshot().gop).toHaveLength(1);
  });
});

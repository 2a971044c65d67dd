import { describe, expect, it } from 'vitest';
import { FrameClock } from './frame-clock.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const block = (ms: number) => { const until = performance.now() + ms; while (performance.now() < until) { /* the worker stalls */ } };

/** Runs a 30 fps clock whose 3rd tick stalls the thread for `stallMs`; returns the slots ticked. */
async function run(stallMs: number, maxLateMs: number): Promise<{ clock: FrameClock; slots: number[]; dues: number[] }> {
  const slots: number[] = [];
  const dues: number[] = [];
  const clock = new FrameClock(30, (index, dueEpochMs) => {
    slots.push(index);
    dues.push(dueEpochMs);
    if (slots.length === 3) block(stallMs);
  }, maxLateMs);
  clock.start();
  await sleep(stallMs + 500);
  clock.stop();
  return { clock, slots, dues };
}

describe('FrameClock (deadline schedule)', () => {
  it('a stall shorter than the catch-up window still gets every slot its tick, counted late, not missed', async () => {
    const { clock, slots, dues } = await run(120, 10_000);
    expect(slots.length).toBeGreaterThanOrEqual(10);
    expect(slots).toEqual(slots.map((_, i) => i));
    expect(dues.every((d, i) => i === 0 || Math.abs(d - (dues[i - 1] ?? 0) - 1000 / 30) < 0.01)).toBe(true);
    expect(clock.missed).toBe(0);
    expect(clock.late).toBeGreaterThanOrEqual(1);
    expect(clock.maxLateMs).toBeGreaterThanOrEqual(80);
  });

  it('slots more overdue than the window are skipped and counted as missed', async () => {
    const { clock, slots } = await run(300, 50);
    expect(clock.missed).toBeGreaterThanOrEqual(5);
    // Skipped slots are gaps in the indices, and the count says how many.
    const gaps = slots.reduce((n, s, i) => n + (i === 0 ? 0 : s - (slots[i - 1] ?? 0) - 1), 0);
    expect(gaps).toBe(clock.missed);
  });
});

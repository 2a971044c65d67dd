import { describe, expect, it } from 'vitest';
import { AudioClockTracker } from './audio-clock.ts';

/** Feeds `count` 10 ms buffers arriving in real time: lag `base` µs plus late-only jitter up to 15 ms. */
function feed(tracker: AudioClockTracker, count: number, base: number, clock: { us: number }): void {
  for (let i = 0; i < count; i++) {
    clock.us += 10_000;
    const lag = base + ((i * 7919) % 15_000);
    tracker.observe(lag, clock.us, clock.us - lag);
  }
}

describe('AudioClockTracker', () => {
  it('leaves timestamps alone while buffers only jitter late', () => {
    const tracker = new AudioClockTracker();
    feed(tracker, 400, 0, { us: 0 });
    expect(tracker.correctionUs).toBe(0);
    expect(tracker.stamp(1_000_000)).toBe(1_000_000);
  });

  it('follows a step of lost audio within the short window, and a buffer earlier than allowed at once', () => {
    const tracker = new AudioClockTracker();
    const clock = { us: 0 };
    feed(tracker, 100, 0, clock);
    feed(tracker, 30, 80_000, clock); // 80 ms of buffers never arrived
    expect(tracker.correctionUs).toBe(80_000);
    tracker.observe(60_000, clock.us + 10_000, clock.us - 50_000);
    expect(tracker.correctionUs).toBe(60_000);
  });

  it('does not take a burst of buffers read at once after a stall for lost audio', () => {
    const tracker = new AudioClockTracker();
    const clock = { us: 0 };
    feed(tracker, 100, 0, clock);
    clock.us += 400_000;
    for (let i = 0; i < 40; i++) tracker.observe(400_000 - i * 10_000, clock.us, clock.us - 400_000 + i * 10_000); // 400 ms stall, then all at once
    expect(tracker.correctionUs).toBe(0);
  });

  it('applies a correction from the sample-count time where it was found, not to chunks before it', () => {
    const tracker = new AudioClockTracker();
    const clock = { us: 0 };
    feed(tracker, 100, 0, clock);
    feed(tracker, 30, 80_000, clock);
    expect(tracker.stamp(500_000)).toBe(500_000);
    expect(tracker.stamp(clock.us)).toBe(clock.us + 80_000);
  });

  it('keeps output timestamps strictly increasing when the correction falls', () => {
    const tracker = new AudioClockTracker();
    feed(tracker, 30, 50_000, { us: 0 });
    const first = tracker.stamp(100_000);
    expect(first).toBe(150_000);
    tracker.observe(0, 400_000, 110_000);
    expect(tracker.stamp(120_000)).toBeGreaterThan(first);
  });
});

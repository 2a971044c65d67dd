import { describe, expect, it } from 'vitest';
import { CaptureTimeline } from './capture-timeline.ts';

describe('CaptureTimeline', () => {
  it('maps timestamps with the least-delayed arrival, ignoring late ones', () => {
    const timeline = new CaptureTimeline();
    // Timestamps from an unrelated origin (5 s); frames arrive 1000 ms + 2 ms … 30 ms later.
    const delays = [12, 2, 30, 7, 2, 25];
    const mapped = delays.map((delay, i) => timeline.captured(5_000_000 + i * 33_333, 1000 + 5000 + i * 33.333 + delay));
    // From the 2nd frame on the least delay (2 ms) is known: capture = origin shift + 2 ms.
    mapped.slice(1).forEach((t, i) => { expect(t - (6000 + (i + 1) * 33.333)).toBeCloseTo(2, 3); });
  });

  it('starts over when timestamps go backwards (a restarted track)', () => {
    const timeline = new CaptureTimeline();
    for (let i = 0; i < 10; i++) timeline.captured(10_000_000 + i * 33_333, 20_000 + i * 33.333);
    const after = timeline.captured(0, 30_000);
    expect(after).toBeCloseTo(30_000, 3);
  });
});

import { describe, expect, it } from 'vitest';
import type { StatsSample, StreamSessionSummary } from '@streamhub/shared/api/stream';
import { bitrateSeries, chartGeometry } from './chart-series.ts';

const dest = (destinationId: string | null, name: string): StreamSessionSummary['destinations'][number] => ({
  destinationId, name, platform: 'custom', redactedUrl: 'rtmp://x/****abcd', outcome: 'completed', lastError: null, bytesSent: 0, framesSent: 0, framesDropped: 0, reconnects: 0,
});
const session: StreamSessionSummary = {
  id: '00000000-0000-4000-8000-000000000001', status: 'ended', outcome: 'stopped', resolution: '720p', record: false, videoBitrateKbps: 4500,
  createdAt: '2026-01-01T10:00:00.000Z', startedAt: '2026-01-01T10:00:00.000Z', endedAt: '2026-01-01T10:01:00.000Z', durationSeconds: 60,
  destinations: [dest('d1', 'Twitch'), dest(null, 'Deleted'), dest('d2', 'YouTube')],
};
const sample = (sec: number, input: number, figures: Record<string, number>): StatsSample => ({
  at: new Date(Date.UTC(2026, 0, 1, 10, 0, sec)).toISOString(), inputBitrateKbps: input, inputFps: 30,
  destinations: Object.fromEntries(Object.entries(figures).map(([id, kbps]) => [id, { bitrateKbps: kbps, fps: 30, framesDropped: 0 }])),
});

describe('bitrateSeries', () => {
  it('makes one line for the input and one per destination still known, in seconds from the first sample', () => {
    const series = bitrateSeries(session, [sample(0, 4000, { d1: 3900 }), sample(5, 4100, { d1: 4000, d2: 2000 })]);
    expect(series.map((s) => s.label)).toEqual(['Input (from the studio)', 'Twitch', 'YouTube']);
    expect(series[1]?.points).toEqual([{ t: 0, kbps: 3900 }, { t: 5, kbps: 4000 }]);
    expect(series[2]?.points).toEqual([{ t: 5, kbps: 2000 }]);
  });

  it('scales into the box: the last point at the right edge, the peak below the top', () => {
    const geometry = chartGeometry(bitrateSeries(session, [sample(0, 1000, {}), sample(10, 2000, {})]), 100, 50);
    expect(geometry.lines[0]?.points).toBe('0.0,27.3 100.0,4.5');
  });
});

/** Turns a session's stats history into the lines of its bitrate chart (one per destination, plus the input). */
import type { StatsSample, StreamSessionSummary } from '@streamhub/shared/api/stream';

export interface ChartSeries {
  readonly key: string;
  readonly label: string;
  /** Seconds since the first sample, and kbit/s. */
  readonly points: readonly { readonly t: number; readonly kbps: number }[];
}

export function bitrateSeries(session: StreamSessionSummary, samples: readonly StatsSample[]): ChartSeries[] {
  const t0 = samples.length === 0 ? 0 : Date.parse(samples[0]?.at ?? '');
  const t = (s: StatsSample): number => (Date.parse(s.at) - t0) / 1000;
  const input: ChartSeries = { key: 'input', label: 'Input (from the studio)', points: samples.map((s) => ({ t: t(s), kbps: s.inputBitrateKbps })) };
  const destinations = session.destinations.flatMap((d, i): ChartSeries[] => {
    const id = d.destinationId;
    if (id === null) return []; // deleted since: its samples can no longer be matched
    const points = samples.flatMap((s) => {
      const figures = s.destinations[id];
      return figures === undefined ? [] : [{ t: t(s), kbps: figures.bitrateKbps }];
    });
    return points.length === 0 ? [] : [{ key: `${id}-${i}`, label: d.name, points }];
  });
  return [input, ...destinations];
}

export interface ChartGeometry {
  readonly maxKbps: number;
  readonly maxT: number;
  /** SVG polyline points per series, in a `width` × `height` box. */
  readonly lines: readonly { readonly key: string; readonly points: string }[];
}

export function chartGeometry(series: readonly ChartSeries[], width: number, height: number): ChartGeometry {
  const all = series.flatMap((s) => s.points);
  const maxKbps = Math.max(1, ...all.map((p) => p.kbps)) * 1.1;
  const maxT = Math.max(1, ...all.map((p) => p.t));
  const x = (tSec: number): string => ((tSec / maxT) * width).toFixed(1);
  const y = (kbps: number): string => (height - (kbps / maxKbps) * height).toFixed(1);
  return { maxKbps, maxT, lines: series.map((s) => ({ key: s.key, points: s.points.map((p) => `${x(p.t)},${y(p.kbps)}`).join(' ') })) };
}

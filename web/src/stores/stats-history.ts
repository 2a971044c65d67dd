/** A bounded series of samples for the health graphs (oldest dropped first). */
export interface Sample {
  readonly atMs: number;
  readonly value: number;
}

export const historyLength = 120;

/** Returns a new array (so Vue sees the change) holding at most `historyLength` samples. */
export function pushSample(series: readonly Sample[], sample: Sample, max = historyLength): Sample[] {
  const next = series.length >= max ? series.slice(series.length - max + 1) : series.slice();
  next.push(sample);
  return next;
}

/** Keeps the last `capacity` latency samples (ms) for percentiles; O(1) per sample. */
export class LatencyRecorder {
  readonly #samples: Float64Array;
  #count = 0;
  #next = 0;

  constructor(capacity = 4096) {
    this.#samples = new Float64Array(capacity);
  }

  record(ms: number): void {
    this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#samples.length;
    this.#count = Math.min(this.#count + 1, this.#samples.length);
  }

  clear(): void {
    this.#count = 0;
    this.#next = 0;
  }

  get count(): number {
    return this.#count;
  }

  /** p in 0..100; null with no samples. */
  percentile(p: number): number | null {
    if (this.#count === 0) return null;
    const sorted = this.#samples.slice(0, this.#count).sort();
    const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[index] ?? null;
  }
}

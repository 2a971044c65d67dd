/** Bytes and frames per second over a sliding window of fixed buckets (no per-event storage). */
export class RateMeter {
  readonly #bucketMs: number;
  readonly #bytes: number[];
  readonly #frames: number[];
  #bucketStart = 0;
  #index = 0;
  readonly #now: () => number;
  #first: number | null = null;

  constructor(windowMs = 2000, buckets = 8, now: () => number = () => performance.now()) {
    this.#bucketMs = windowMs / buckets;
    this.#bytes = new Array<number>(buckets).fill(0);
    this.#frames = new Array<number>(buckets).fill(0);
    this.#now = now;
  }

  #advance(): void {
    const now = this.#now();
    this.#first ??= now;
    if (this.#bucketStart === 0) this.#bucketStart = now;
    let steps = Math.floor((now - this.#bucketStart) / this.#bucketMs);
    if (steps <= 0) return;
    this.#bucketStart += steps * this.#bucketMs;
    steps = Math.min(steps, this.#bytes.length);
    for (let i = 0; i < steps; i++) {
      this.#index = (this.#index + 1) % this.#bytes.length;
      this.#bytes[this.#index] = 0;
      this.#frames[this.#index] = 0;
    }
  }

  add(bytes: number, frames = 0): void {
    this.#advance();
    this.#bytes[this.#index] = (this.#bytes[this.#index] ?? 0) + bytes;
    this.#frames[this.#index] = (this.#frames[this.#index] ?? 0) + frames;
  }

  #seconds(): number {
    const full = this.#bucketMs * this.#bytes.length;
    const since = this.#first === null ? 0 : this.#now() - this.#first;
    return Math.max(this.#bucketMs, Math.min(full, since)) / 1000;
  }

  get kbps(): number {
    this.#advance();
    return Math.round((this.#bytes.reduce((a, b) => a + b, 0) * 8) / 1000 / this.#seconds());
  }

  get fps(): number {
    this.#advance();
    return Math.round((this.#frames.reduce((a, b) => a + b, 0) / this.#seconds()) * 10) / 10;
  }
}

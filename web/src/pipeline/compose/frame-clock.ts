/**
 * A steady frame clock: tick n is due at start + n·interval, so timer jitter never accumulates.
 * When a tick is late by more than a whole interval the missed ticks are skipped and counted
 * rather than fired in a burst.
 */
export class FrameClock {
  readonly #intervalMs: number;
  readonly #tick: (index: number) => void;
  #start = 0;
  #next = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  missed = 0;

  constructor(fps: number, tick: (index: number) => void) {
    this.#intervalMs = 1000 / fps;
    this.#tick = tick;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#start = performance.now();
    this.#next = 0;
    this.#schedule();
  }

  #schedule(): void {
    const due = this.#start + this.#next * this.#intervalMs;
    this.#timer = setTimeout(() => { this.#fire(); }, Math.max(0, due - performance.now()));
  }

  #fire(): void {
    const now = performance.now();
    const behind = Math.floor((now - this.#start) / this.#intervalMs) - this.#next;
    if (behind > 0) {
      this.missed += behind;
      this.#next += behind;
    }
    try {
      this.#tick(this.#next);
    } finally {
      this.#next += 1;
      if (this.#timer !== undefined) this.#schedule();
    }
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

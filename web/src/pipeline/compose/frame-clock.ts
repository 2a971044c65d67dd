/**
 * A deadline frame clock: slot n is due at start + n·interval, so timer jitter never accumulates.
 * Every slot gets its tick, late or not, as long as it is less than `maxLateMs` overdue: a late
 * tick still produces the frame for its slot (the compositor draws what was on screen at the
 * slot's time), and overdue slots are caught up one task at a time so frames arriving meanwhile
 * are read. Slots more than `maxLateMs` overdue are skipped and counted as missed: real drops.
 */
export class FrameClock {
  readonly #intervalMs: number;
  readonly #maxLateMs: number;
  readonly #tick: (index: number, dueEpochMs: number) => void;
  #start = 0;
  #next = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Slots skipped (more than `maxLateMs` overdue): frames that never existed. */
  missed = 0;
  /** Slots produced more than one interval after they were due (not dropped, only late). */
  late = 0;
  maxLateMs = 0;

  constructor(fps: number, tick: (index: number, dueEpochMs: number) => void, maxLateMs = DEFAULT_MAX_LATE_MS) {
    this.#intervalMs = 1000 / fps;
    this.#maxLateMs = maxLateMs;
    this.#tick = tick;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#start = performance.now();
    this.#next = 0;
    this.#schedule();
  }

  #due(index: number): number { return this.#start + index * this.#intervalMs; }

  #schedule(): void {
    // Fired SLACK_MS after the due time: a picture captured just before it is read by then.
    const wait = this.#due(this.#next) + SLACK_MS - performance.now();
    this.#timer = setTimeout(() => { this.#fire(); }, Math.max(0, wait));
  }

  #fire(): void {
    const now = performance.now();
    const overdue = Math.ceil((now - this.#maxLateMs - this.#due(this.#next)) / this.#intervalMs);
    if (overdue > 0) {
      this.missed += overdue;
      this.#next += overdue;
    }
    const lateMs = now - this.#due(this.#next);
    if (lateMs > this.#intervalMs) this.late += 1;
    this.maxLateMs = Math.max(this.maxLateMs, lateMs);
    try {
      this.#tick(this.#next, performance.timeOrigin + this.#due(this.#next));
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

/** How long after its due time a slot's tick waits for pictures still in flight. */
const SLACK_MS = 4;

/**
 * How overdue a slot may be and still get its frame: bounded by the pictures a source holds
 * (frame-source.ts) and the encoder queue (≈ 200 ms), and by the latency it adds.
 */
const DEFAULT_MAX_LATE_MS = 100;

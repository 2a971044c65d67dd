/**
 * Maps a track's VideoFrame timestamps to capture times on the page clock. Chromium stamps the
 * frames of each track on a timeline of its own (the camera's and a canvas capture's start at
 * unrelated origins; measured here), advancing in real time. Arrival time minus timestamp is
 * that origin plus the delivery delay; delays are late-only jitter, so the smallest value over a
 * recent window is the least-delayed frame, and timestamp + that value is when the frame was
 * captured (plus the smallest delivery delay). A window rather than an all-time minimum follows
 * a track whose timestamps drift or restart.
 */
export class CaptureTimeline {
  readonly #offsets: number[] = [];
  #next = 0;
  #lastTimestampUs = Number.NEGATIVE_INFINITY;

  /** Capture time (epoch ms) of a frame with timestamp `timestampUs` that arrived at `arrivedEpochMs`. */
  captured(timestampUs: number, arrivedEpochMs: number): number {
    const offset = arrivedEpochMs - timestampUs / 1000;
    // A timestamp that goes backwards, or a jump of seconds, is a new timeline: start over.
    const lowest = this.#lowest();
    if (timestampUs <= this.#lastTimestampUs || offset - lowest > JUMP_MS) {
      this.#offsets.length = 0;
      this.#next = 0;
    }
    this.#lastTimestampUs = timestampUs;
    if (this.#offsets.length < WINDOW) this.#offsets.push(offset);
    else this.#offsets[this.#next] = offset;
    this.#next = (this.#next + 1) % WINDOW;
    return timestampUs / 1000 + this.#lowest();
  }

  #lowest(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const offset of this.#offsets) lowest = Math.min(lowest, offset);
    return lowest;
  }
}

/** Frames in the window (≈ 2 s at 30 fps): longer than any worker stall it has to see past. */
const WINDOW = 64;

/** Arrival more than this much later than the window's least-delayed frame means a new timeline. */
const JUMP_MS = 1000;

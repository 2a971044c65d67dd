/**
 * Keeps encoded audio on the session clock. Audio is stamped by sample count from an anchor
 * (smooth, no jitter), but the count falls behind the clock when samples never arrive (the
 * capture side drops buffers when its reader falls behind, a context is suspended) or the source
 * renders slower than real time (Web Audio under CPU starvation): measured at load average 10,
 * clicks came out up to 377 ms early against a flash made in the same task. Each buffer's lag
 * (arrival − its sample-count time) is late-only jitter plus that shortfall, so the smallest lag
 * over a recent window is the shortfall; it is added to the timestamps of the encoded chunks
 * (Chromium's encoders stamp output from the first input + sample count and ignore later input
 * timestamps, measured).
 */
export class AudioClockTracker {
  readonly #lags: number[] = [];
  readonly #arrivals: number[] = [];
  #next = 0;
  #correctionUs = 0;
  /** Where the correction changed, by sample-count time, oldest first. */
  readonly #changes: { fromUs: number; correctionUs: number }[] = [{ fromUs: Number.NEGATIVE_INFINITY, correctionUs: 0 }];
  #lastOutUs = Number.NEGATIVE_INFINITY;

  get correctionUs(): number { return this.#correctionUs; }

  /**
   * Notes one input buffer: its lag (arrival minus its sample-count time `atUs`) and its arrival,
   * µs. A new correction applies from `atUs` on.
   */
  observe(lagUs: number, arrivedUs: number, atUs: number): void {
    this.#lags[this.#next] = lagUs;
    this.#arrivals[this.#next] = arrivedUs;
    this.#next = (this.#next + 1) % WINDOW;
    const next = this.#target(lagUs, arrivedUs);
    if (next === this.#correctionUs) return;
    this.#correctionUs = next;
    this.#changes.push({ fromUs: atUs, correctionUs: next });
  }

  #target(lagUs: number, arrivedUs: number): number {
    // Delays are never negative: one buffer earlier than the correction allows proves it too
    // late, at once.
    if (lagUs < this.#correctionUs - STEP_DOWN_US) return lagUs;
    // Lost buffers are a step of tens of ms at once: the lags of the last FAST_SPAN_US show it
    // without waiting for the long window, which is for small drift that load-delayed buffers
    // would fake. Not from a burst: buffers read at once after a stall have lags falling by a
    // buffer each, and the first of them alone look like a step; they arrive within no span.
    const recent = this.#recent(arrivedUs);
    if (Number.isFinite(recent) && recent - this.#correctionUs > FAST_STEP_US) return recent;
    if (this.#lags.length < WINDOW) return this.#correctionUs;
    const lowest = Math.min(...this.#lags);
    return lowest - this.#correctionUs > DEADBAND_US ? lowest : this.#correctionUs;
  }

  /** The smallest lag of the buffers that arrived in the last FAST_SPAN_US (+∞ unless they span most of it). */
  #recent(nowUs: number): number {
    let lowest = Number.POSITIVE_INFINITY;
    let earliest = nowUs;
    for (let i = 1; i <= this.#lags.length; i++) {
      const index = (this.#next - i + WINDOW) % WINDOW;
      const arrived = this.#arrivals[index] ?? Number.NEGATIVE_INFINITY;
      if (arrived < nowUs - FAST_SPAN_US) break;
      earliest = arrived;
      lowest = Math.min(lowest, this.#lags[index] ?? Number.POSITIVE_INFINITY);
    }
    return nowUs - earliest >= FAST_SPAN_US * 0.8 ? lowest : Number.POSITIVE_INFINITY;
  }

  /** Session-clock timestamp for an encoder output timestamp (sample-count time); strictly increasing. */
  stamp(encoderUs: number): number {
    while (this.#changes.length > 1 && (this.#changes[1]?.fromUs ?? Infinity) <= encoderUs) this.#changes.shift();
    const correction = this.#changes[0]?.correctionUs ?? 0;
    const out = Math.max(Math.round(encoderUs + correction), this.#lastOutUs + 1);
    this.#lastOutUs = out;
    return out;
  }
}

/**
 * Buffers in the long window (10 ms each from Chromium's track: 2 s): under load no buffer may
 * arrive promptly for a while, and a shorter window read that as drift (measured: audio 11–22 ms
 * late at load 7 with 0.5 s, against 1–15 ms with a fixed anchor).
 */
const WINDOW = 200;

/** The short window, by arrival time, and the rise it acts on: lost buffers, not jitter. */
const FAST_SPAN_US = 150_000;
const FAST_STEP_US = 25_000;

/** Rises smaller than this are window noise, not drift. */
const DEADBAND_US = 3000;

/** Falls smaller than this are not worth a step in the timestamps. */
const STEP_DOWN_US = 1000;

/** The same chunk at another timestamp (EncodedAudioChunk is immutable). */
export function restampChunk(chunk: EncodedAudioChunk, timestamp: number): EncodedAudioChunk {
  if (timestamp === chunk.timestamp) return chunk;
  const data = new Uint8Array(chunk.byteLength);
  chunk.copyTo(data);
  return new EncodedAudioChunk({ type: chunk.type, timestamp, ...(chunk.duration === null ? {} : { duration: chunk.duration }), data });
}

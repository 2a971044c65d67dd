import type { AckMessage, FrameMessage } from '@streamhub/shared';

const STATS_INTERVAL_MS = 1_000;

/** Counts what the publisher sent and what the server acknowledged; prints progress and a summary. */
export class PublishProgress {
  frames = 0;
  bytes = 0;
  lastAck: AckMessage | undefined;
  readonly #print: (line: string) => void;
  readonly #intervalMs: number;
  readonly #startedAt = performance.now();
  readonly #rtts: number[] = [];
  #lastStatsAt = performance.now();
  #lastPrintAt = performance.now();
  #bytesAtLastPrint = 0;
  #waiters: { sequence: number; resolve: () => void }[] = [];

  constructor(progressSeconds: number, print: (line: string) => void) {
    this.#intervalMs = progressSeconds * 1000;
    this.#print = print;
  }

  frame(frame: FrameMessage): void {
    this.frames += 1;
    this.bytes += frame.payload.byteLength;
    const now = performance.now();
    if (this.#intervalMs > 0 && now - this.#lastPrintAt >= this.#intervalMs) {
      const mbps = ((this.bytes - this.#bytesAtLastPrint) * 8) / ((now - this.#lastPrintAt) * 1000);
      const rtt = this.#rtts.at(-1);
      this.#print(
        `[${((now - this.#startedAt) / 1000).toFixed(1)} s] frames ${this.frames}  ${mbps.toFixed(2)} Mbit/s  ` +
          `acked ${this.lastAck?.framesReceived ?? 0}  rtt ${rtt === undefined ? '-' : `${rtt.toFixed(1)} ms`}`,
      );
      this.#lastPrintAt = now;
      this.#bytesAtLastPrint = this.bytes;
    }
  }

  /** True once a second: time to send a `stats`. */
  statsDue(): boolean {
    const now = performance.now();
    if (now - this.#lastStatsAt < STATS_INTERVAL_MS) return false;
    this.#lastStatsAt = now;
    return true;
  }

  ack(ack: AckMessage): void {
    this.lastAck = ack;
    this.#rtts.push(performance.now() - ack.echoedSentAt);
    if (this.#rtts.length > 10_000) this.#rtts.splice(0, 5_000);
    const ready = this.#waiters.filter((w) => w.sequence === ack.sequence);
    this.#waiters = this.#waiters.filter((w) => w.sequence !== ack.sequence);
    for (const waiter of ready) waiter.resolve();
  }

  /** Resolves when the ack for `sequence` arrives or after `timeoutMs`. */
  waitForAck(sequence: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#waiters.push({ sequence, resolve: () => {
        clearTimeout(timer);
        resolve();
      } });
    });
  }

  summary(lastAck: AckMessage | undefined): void {
    const seconds = (performance.now() - this.#startedAt) / 1000;
    const sorted = [...this.#rtts].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const max = sorted.at(-1);
    this.#print(
      `summary: sent ${this.frames} frames (${(this.bytes / 1e6).toFixed(2)} MB) in ${seconds.toFixed(1)} s, ` +
        `${((this.bytes * 8) / (seconds * 1e6)).toFixed(2)} Mbit/s; server received ${lastAck?.framesReceived ?? 0} frames; ` +
        `rtt median ${median === undefined ? '-' : median.toFixed(1)} ms, max ${max === undefined ? '-' : max.toFixed(1)} ms`,
    );
  }
}

export interface BackoffOptions {
  /** First retry delay (the default: 2 s). */
  readonly baseMs: number;
  readonly factor: number;
  readonly capMs: number;
  /** ± fraction of randomness, so destinations that failed together do not retry in lockstep. */
  readonly jitter: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 2000, factor: 1.5, capMs: 60_000, jitter: 0.2 };

/** Delay before retry number `attempt` (1-based): base × factor^(attempt−1), capped, then jittered. */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const raw = Math.min(options.capMs, options.baseMs * options.factor ** Math.max(0, attempt - 1));
  const jittered = raw * (1 - options.jitter + 2 * options.jitter * random());
  return Math.round(Math.min(options.capMs, Math.max(0, jittered)));
}

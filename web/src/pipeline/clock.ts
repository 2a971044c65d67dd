import { micro, type Micro } from '@streamhub/shared/time';

/**
 * The one session clock for audio and video. Based on `performance.timeOrigin + now()` so the
 * main thread and the worker (whose `performance.now()` origins differ) agree.
 */
export class SessionClock {
  readonly originEpochMs: number;

  constructor(originEpochMs: number = performance.timeOrigin + performance.now()) {
    this.originEpochMs = originEpochMs;
  }

  now(): Micro {
    return micro(Math.round((performance.timeOrigin + performance.now() - this.originEpochMs) * 1000));
  }
}

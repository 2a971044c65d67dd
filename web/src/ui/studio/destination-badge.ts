/** How a destination's relay state reads on its badge. */
import type { DestinationState } from '@streamhub/shared/relay-status';

export type Tone = 'neutral' | 'progress' | 'ok' | 'warn' | 'bad';

export interface Badge {
  readonly label: string;
  readonly tone: Tone;
  readonly detail: string | undefined;
}

/** `receivedAtMs` is when the status arrived: a retry countdown runs from there. */
export function badgeFor(status: DestinationState, nowMs: number, receivedAtMs: number): Badge {
  switch (status.state) {
    case 'connecting':
      return { label: 'Connecting…', tone: 'progress', detail: undefined };
    case 'live':
      return { label: 'Live', tone: 'ok', detail: undefined };
    case 'retrying': {
      const left = Math.max(0, Math.ceil((status.retryInMs - (nowMs - receivedAtMs)) / 1000));
      return { label: `Retrying in ${left} s`, tone: 'warn', detail: `Attempt ${status.attempt}: ${status.lastError}` };
    }
    case 'failed':
      return { label: 'Failed', tone: 'bad', detail: status.reason };
    case 'stopped':
      return { label: 'Stopped', tone: 'neutral', detail: undefined };
  }
}

import { describe, expect, it } from 'vitest';
import { badgeFor } from './destination-badge.ts';

describe('badgeFor', () => {
  it('counts a retry down from when the status arrived', () => {
    const retrying = { state: 'retrying', retryInMs: 5000, attempt: 3, lastError: 'Connection refused' } as const;
    expect(badgeFor(retrying, 10_000, 10_000).label).toBe('Retrying in 5 s');
    expect(badgeFor(retrying, 12_100, 10_000).label).toBe('Retrying in 3 s');
    expect(badgeFor(retrying, 99_000, 10_000).label).toBe('Retrying in 0 s');
    expect(badgeFor(retrying, 10_000, 10_000).detail).toBe('Attempt 3: Connection refused');
  });

  it('labels every state', () => {
    expect(badgeFor({ state: 'connecting' }, 0, 0)).toMatchObject({ label: 'Connecting…', tone: 'progress' });
    expect(badgeFor({ state: 'live', sinceMs: 1 }, 0, 0)).toMatchObject({ label: 'Live', tone: 'ok' });
    expect(badgeFor({ state: 'failed', reason: 'Bad key' }, 0, 0)).toMatchObject({ label: 'Failed', tone: 'bad', detail: 'Bad key' });
    expect(badgeFor({ state: 'stopped' }, 0, 0)).toMatchObject({ label: 'Stopped', tone: 'neutral' });
  });
});

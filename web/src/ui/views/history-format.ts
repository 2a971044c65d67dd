/** Formatting for the history page. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${rest} s` : `${rest} s`;
}

const outcomes: Readonly<Record<string, string>> = {
  stopped: 'Stopped by you',
  expired: 'Never connected (token expired)',
  failed: 'Failed',
  disconnected: 'Disconnected',
};

export function outcomeText(status: string, outcome: string | null): string {
  if (status !== 'ended') return status === 'live' ? 'Live now' : 'Starting';
  return outcome === null ? 'Ended' : (outcomes[outcome] ?? outcome);
}

/** A destination's result as the relay recorded it (`modules/stream/session-recorder.ts` on the ingest). */
const destinationOutcomes: Readonly<Record<string, string>> = {
  completed: 'Completed',
  stopped: 'Stopped',
  failed: 'Failed',
  retrying: 'Was reconnecting when the show ended',
  'never-connected': 'Never connected',
  expired: 'Never connected (token expired)',
  disconnected: 'Disconnected',
};

export function destinationOutcomeText(outcome: string | null): string {
  return outcome === null ? 'No result' : (destinationOutcomes[outcome] ?? outcome);
}

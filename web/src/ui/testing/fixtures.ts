/** Sample API payloads for tests (shapes of shared/src/api/stream.ts). */
/** One ended session with a stopped and a failed destination. */
export const pastSession = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: crypto.randomUUID(), status: 'ended', outcome: 'stopped', resolution: '720p', record: false, videoBitrateKbps: 4500,
  createdAt: '2026-11-20T18:00:00.000Z', startedAt: '2026-11-20T18:00:02.000Z', endedAt: '2026-11-20T19:05:00.000Z', durationSeconds: 3898,
  destinations: [
    { destinationId: crypto.randomUUID(), name: 'Twitch main', platform: 'twitch', redactedUrl: 'rtmp://live.twitch.tv/app/****abcd', outcome: 'stopped', lastError: null, bytesSent: 1, framesSent: 1, framesDropped: 0, reconnects: 0 },
    { destinationId: null, name: 'Old YouTube', platform: 'youtube', redactedUrl: 'rtmp://a.rtmp.youtube.com/live2/****wxyz', outcome: 'failed', lastError: 'The destination refused the connection.', bytesSent: 0, framesSent: 0, framesDropped: 0, reconnects: 3 },
  ],
  ...overrides,
});

export const detailSessionId = '00000000-0000-4000-8000-00000000abcd';

/** `GET /api/stream/sessions/:id` for `pastSession`: its first destination has three samples. */
export function sessionDetail(id = detailSessionId): Record<string, unknown> {
  const session = pastSession({ id });
  const [first] = session.destinations as { destinationId: string }[];
  const at = (s: number): string => new Date(Date.parse('2026-11-20T18:00:05.000Z') + s * 1000).toISOString();
  const figures = (kbps: number) => ({ [first?.destinationId ?? '']: { bitrateKbps: kbps, fps: 30, framesDropped: 0 } });
  return {
    session,
    samples: [
      { at: at(0), inputBitrateKbps: 4400, inputFps: 30, destinations: figures(4300) },
      { at: at(5), inputBitrateKbps: 4500, inputFps: 30, destinations: figures(4450) },
      { at: at(10), inputBitrateKbps: 4200, inputFps: 29.5, destinations: figures(1200) },
    ],
  };
}

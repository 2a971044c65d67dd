/** Sample API payloads for tests (shapes of shared/src/api/stream.ts). */
/** One ended session with a stopped and a failed destination. */
export const pastSession = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: crypto.randomUUID(), status: 'ended', outcome: 'stopped', resolution: '720p', record: false, videoBitrateKbps: 4500,
  createdAt: '2026-11-20T18:00:00.000Z', startedAt: '2026-11-20T18:00:02.000Z', endedAt: '2026-11-20T19:05:00.000Z', durationSeconds: 3898,
  destinations: [
    { destinationId: crypto.randomUUID(), name: 'Twitch main', platform: 'twitch', redactedUrl: 'rtmp://live.twitch.tv/app/****abcd', outcome: 'stopped', bytesSent: 1, framesSent: 1, framesDropped: 0, reconnects: 0 },
    { destinationId: null, name: 'Old YouTube', platform: 'youtube', redactedUrl: 'rtmp://a.rtmp.youtube.com/live2/****wxyz', outcome: 'failed', bytesSent: 0, framesSent: 0, framesDropped: 0, reconnects: 3 },
  ],
  ...overrides,
});

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { SessionStatus } from '@streamhub/shared/relay-status';
import { registerRelayMetrics } from './relay-metrics.ts';

const status: SessionStatus = {
  sessionId: 's1', state: 'live', startedAtMs: 0,
  input: { bitrateKbps: 6000, fps: 30, keyframeIntervalSeconds: 2, framesReceived: 10, bytesReceived: 1000, audioSampleRate: 48000 },
  destinations: [{
    id: 'd1', name: 'YouTube', platform: 'youtube', redactedUrl: 'rtmp://x/live2/****abcd', status: { state: 'live', sinceMs: 0 },
    bitrateKbps: 6100, fps: 30, framesSent: 300, framesDropped: 2, bytesSent: 123456, reconnects: 1, uptimeMs: 10_000,
  }],
  warnings: [{ code: 'HEALTH_KEYFRAME_INTERVAL', message: 'x' }],
};

describe('registerRelayMetrics', () => {
  it('exposes session and destination figures at scrape time, without URLs', async () => {
    const registry = new Registry();
    let statuses: SessionStatus[] = [status];
    registerRelayMetrics(registry, { liveStatuses: () => statuses, latencyPercentile: () => 1.5 });
    const text = await registry.metrics();
    expect(text).toContain('streamhub_relay_sessions 1');
    expect(text).toContain('streamhub_relay_destination_bytes_sent_total{session="s1",destination="d1",platform="youtube"} 123456');
    expect(text).toContain('streamhub_relay_destination_frames_dropped_total{session="s1",destination="d1",platform="youtube"} 2');
    expect(text).toContain('streamhub_relay_destination_up{session="s1",destination="d1",platform="youtube"} 1');
    expect(text).toContain('streamhub_relay_added_latency_p95_ms{session="s1"} 1.5');
    expect(text).toContain('streamhub_relay_health_warnings{session="s1",code="HEALTH_KEYFRAME_INTERVAL"} 1');
    expect(text).not.toContain('rtmp://');
    statuses = [];
    await new Promise((resolve) => setTimeout(resolve, 60));
    const after = await registry.metrics();
    expect(after).toContain('streamhub_relay_sessions 0');
    expect(after).not.toContain('destination="d1"');
  });
});

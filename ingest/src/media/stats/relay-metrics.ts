import { Counter, Gauge, type Registry } from 'prom-client';
import type { SessionStatus } from '@streamhub/shared/relay-status';

/** What the metrics read: the relay's live sessions (Relay implements it). */
export interface RelayMetricsSource {
  liveStatuses(): SessionStatus[];
  latencyPercentile(sessionId: string, p: number): number | null;
}

type DestinationLabel = 'session' | 'destination' | 'platform';

/**
 * Registers the relay's Prometheus metrics on `registry` (the /metrics route is mounted elsewhere).
 * Values are read from the relay at scrape time (`collect`), so nothing runs between scrapes.
 * Labels carry ids and platforms only — never URLs or keys.
 */
export function registerRelayMetrics(registry: Registry, relay: RelayMetricsSource): void {
  const sessions = new Gauge({ name: 'streamhub_relay_sessions', help: 'Live relay sessions.', registers: [registry] });
  const inputKbps = new Gauge({ name: 'streamhub_relay_input_bitrate_kbps', help: 'Input bitrate per session.', labelNames: ['session'], registers: [registry] });
  const inputFps = new Gauge({ name: 'streamhub_relay_input_fps', help: 'Input video frames per second.', labelNames: ['session'], registers: [registry] });
  const keyint = new Gauge({ name: 'streamhub_relay_keyframe_interval_seconds', help: 'Latest keyframe interval.', labelNames: ['session'], registers: [registry] });
  const latency = new Gauge({ name: 'streamhub_relay_added_latency_p95_ms', help: 'Ingest-added latency p95: frame received → written to a destination socket.', labelNames: ['session'], registers: [registry] });
  const warnings = new Gauge({ name: 'streamhub_relay_health_warnings', help: 'Active stream-health warnings.', labelNames: ['session', 'code'], registers: [registry] });
  const up = new Gauge<DestinationLabel>({ name: 'streamhub_relay_destination_up', help: '1 when the destination is live.', labelNames: ['session', 'destination', 'platform'], registers: [registry] });
  const outKbps = new Gauge<DestinationLabel>({ name: 'streamhub_relay_destination_bitrate_kbps', help: 'Output bitrate per destination.', labelNames: ['session', 'destination', 'platform'], registers: [registry] });
  const counters = {
    bytes: new Counter<DestinationLabel>({ name: 'streamhub_relay_destination_bytes_sent_total', help: 'Bytes sent per destination.', labelNames: ['session', 'destination', 'platform'], registers: [registry] }),
    frames: new Counter<DestinationLabel>({ name: 'streamhub_relay_destination_frames_sent_total', help: 'Video frames sent per destination.', labelNames: ['session', 'destination', 'platform'], registers: [registry] }),
    dropped: new Counter<DestinationLabel>({ name: 'streamhub_relay_destination_frames_dropped_total', help: 'Video frames dropped for a slow destination.', labelNames: ['session', 'destination', 'platform'], registers: [registry] }),
    reconnects: new Counter<DestinationLabel>({ name: 'streamhub_relay_destination_reconnects_total', help: 'Reconnect attempts per destination.', labelNames: ['session', 'destination', 'platform'], registers: [registry] }),
  };

  // One collect refreshes every metric from one snapshot (prom-client calls collect per metric; the first one wins per scrape).
  let snapshotAt = -Infinity;
  const refresh = (): void => {
    const now = performance.now();
    if (now - snapshotAt < 50) return;
    snapshotAt = now;
    const statuses = relay.liveStatuses();
    for (const metric of [inputKbps, inputFps, keyint, latency, warnings, up, outKbps]) metric.reset();
    for (const counter of Object.values(counters)) counter.reset();
    sessions.set(statuses.length);
    for (const status of statuses) {
      const session = status.sessionId;
      inputKbps.set({ session }, status.input.bitrateKbps);
      inputFps.set({ session }, status.input.fps);
      keyint.set({ session }, status.input.keyframeIntervalSeconds);
      const p95 = relay.latencyPercentile(session, 95);
      if (p95 !== null) latency.set({ session }, p95);
      for (const warning of status.warnings) warnings.inc({ session, code: warning.code });
      for (const d of status.destinations) {
        const labels = { session, destination: d.id, platform: d.platform };
        up.set(labels, d.status.state === 'live' ? 1 : 0);
        outKbps.set(labels, d.bitrateKbps);
        counters.bytes.inc(labels, d.bytesSent);
        counters.frames.inc(labels, d.framesSent);
        counters.dropped.inc(labels, d.framesDropped);
        counters.reconnects.inc(labels, d.reconnects);
      }
    }
  };
  for (const metric of [sessions, inputKbps, inputFps, keyint, latency, warnings, up, outKbps, ...Object.values(counters)]) {
    (metric as unknown as { collect?: () => void }).collect = refresh;
  }
}

import type { Relay } from '../../ingest/src/media/relay.ts';
import type { RtmpTap } from './rtmp-tap.ts';

export interface FirstKeyframeTimes {
  /** Click → the relay reports a destination live with frames sent. */
  readonly relayLiveMs: number;
  /** Click → the first H.264 keyframe's bytes reached an RTMP server (seen on the wire by a tap). */
  readonly keyframeAtServerMs: number;
}

/**
 * Times from `sinceMs` (the Go live click) to the first destination receiving a keyframe, polled
 * every 10 ms. Printed as the README figure, never asserted (speed goes in figures, not tests).
 */
export async function timeFirstKeyframe(options: { sinceMs: number; relay: Relay; taps: readonly RtmpTap[]; timeoutMs?: number }): Promise<FirstKeyframeTimes> {
  const deadline = options.sinceMs + (options.timeoutMs ?? 30_000);
  let relayLiveMs: number | undefined;
  let keyframeAtServerMs: number | undefined;
  while ((relayLiveMs === undefined || keyframeAtServerMs === undefined) && Date.now() < deadline) {
    if (relayLiveMs === undefined && options.relay.liveStatuses().some((s) => s.destinations.some((d) => d.status.state === 'live' && d.framesSent > 0))) {
      relayLiveMs = Date.now() - options.sinceMs;
    }
    const firsts = options.taps.map((t) => t.firstKeyframeAt()).filter((at) => at !== undefined);
    if (firsts.length > 0) keyframeAtServerMs = Math.min(...firsts) - options.sinceMs;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (relayLiveMs === undefined || keyframeAtServerMs === undefined) {
    throw new Error(`no destination received a keyframe in time (relay live: ${String(relayLiveMs)} ms, keyframe at a server: ${String(keyframeAtServerMs)} ms)`);
  }
  return { relayLiveMs, keyframeAtServerMs };
}

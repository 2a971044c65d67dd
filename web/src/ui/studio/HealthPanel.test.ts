import { afterEach, describe, expect, it } from 'vitest';
import type { EngineStats } from '../../pipeline/studio-engine.ts';
import { useStudioStore } from '../../stores/studio.ts';
import { historyLength } from '../../stores/stats-history.ts';
import { createHarness, settle, type Harness } from '../testing/harness.ts';
import HealthPanel from './HealthPanel.vue';

let h: Harness | undefined;
afterEach(() => h?.unmountAll());

const stats = (kbps: number, fps: number): EngineStats => ({
  fpsIn: fps, fpsOut: fps, encodeMsP50: 4, encodeMsP95: 9, videoQueueDepth: 0, sendQueueDepth: 0, framesDropped: 3,
  videoBitrateKbps: kbps, sendLatencyMs: 12, rttMs: 20, transport: 'websocket',
});

describe('HealthPanel', () => {
  it('graphs bitrate and fps from engine stats and shows drops, latency, transport and relay warnings', async () => {
    h = await createHarness();
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    const w = await h.mount(HealthPanel);
    for (let i = 0; i < historyLength + 30; i++) h.engine.emit({ type: 'stats', stats: stats(2000 + i, 30) });
    h.engine.emit({ type: 'transport', state: 'connected' });
    h.engine.emit({
      type: 'relay-status',
      status: {
        sessionId: 's', state: 'live', startedAtMs: 1, destinations: [],
        input: { bitrateKbps: 2100, fps: 30, keyframeIntervalSeconds: 6, framesReceived: 1, bytesReceived: 1, audioSampleRate: 48000 },
        warnings: [{ code: 'HEALTH_KEYFRAME_INTERVAL', message: 'Keyframes every 6 s; Twitch needs ≤ 2 s.' }],
      },
    });
    await settle();
    const values = w.findAll('[data-testid="spark-value"]').map((v) => v.text());
    expect(values).toEqual([`${2000 + historyLength + 29} kbit/s`, '30 fps']);
    expect(studio.bitrateHistory).toHaveLength(historyLength);
    expect(w.get('polyline').attributes('points')?.split(' ')).toHaveLength(historyLength);
    expect(w.get('[data-testid="dropped"]').text()).toBe('3');
    expect(w.text()).toContain('Connected (WebSocket)');
    expect(w.text()).toContain('12 ms');
    expect(w.get('.warnings').text()).toContain('Keyframes every 6 s');
  });

  it('says when WebTransport is missing and the stream falls back to WebSocket', async () => {
    h = await createHarness();
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    h.engine.emit({ type: 'transport', state: 'fallback-websocket', detail: 'WebTransport handshake failed' });
    expect(studio.errors.map((e) => e.title)).toEqual(['Using WebSocket instead of WebTransport']);
  });
});

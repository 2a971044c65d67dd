import { afterEach, describe, expect, it } from 'vitest';
import type { SessionStatus } from '@streamhub/shared/relay-status';
import { useAuthStore } from '../../stores/auth.ts';
import { useDestinationsStore } from '../../stores/destinations.ts';
import { useStudioStore } from '../../stores/studio.ts';
import ErrorList from '../common/ErrorList.vue';
import { createHarness, settle, type Harness } from '../testing/harness.ts';
import LiveControls from './LiveControls.vue';

let h: Harness | undefined;
afterEach(() => h?.unmountAll());

const input = { bitrateKbps: 4400, fps: 30, keyframeIntervalSeconds: 2, framesReceived: 300, bytesReceived: 1, audioSampleRate: 48000 };
const dest = (id: string, name: string, status: SessionStatus['destinations'][number]['status']): SessionStatus['destinations'][number] => ({
  id, name, platform: 'custom', redactedUrl: 'rtmp://x/****abcd', status, bitrateKbps: 4400, fps: 30, framesSent: 1, framesDropped: 0, bytesSent: 1, reconnects: 0, uptimeMs: 1,
});

async function studioWith(destinations: { name: string; enabled?: boolean }[]): Promise<{ h: Harness; ids: string[] }> {
  const harness = await createHarness();
  const ids = destinations.map((d, i) => harness.api.addDestination({ name: d.name, key: `key-${i}-abcd`, enabled: d.enabled }));
  await harness.inApp(() => useAuthStore()).restore();
  await harness.inApp(() => useDestinationsStore()).load();
  harness.inApp(() => useStudioStore()).attach(harness.engine);
  return { h: harness, ids };
}

describe('Go live', () => {
  it('starts the session with the enabled destinations, then hands the ingest to engine.goLive', async () => {
    const s = await studioWith([{ name: 'Server A' }, { name: 'Server B' }, { name: 'Off', enabled: false }]);
    h = s.h;
    const w = await h.mount(LiveControls);
    const button = w.get('[data-testid="go-live"]');
    expect(button.text()).toBe('Go live');
    await button.trigger('click');
    await settle();
    const [start] = h.api.requests('POST', '/api/stream/start');
    expect(start?.body).toEqual({ destinations: [s.ids[0], s.ids[1]], resolution: '720p', record: false });
    const [goLive] = h.engine.callsOf('goLive');
    expect(goLive?.[1]).toMatchObject({ token: 'ingest-token', webtransportUrl: 'https://127.0.0.1:4433/ingest' });
    expect(goLive?.[2]).toMatchObject({ width: 1280, height: 720, fps: 30 });
    expect(button.text()).toBe('Stop');

    h.engine.emit({
      type: 'relay-status',
      status: {
        sessionId: 's', state: 'live', startedAtMs: 1, input, warnings: [],
        destinations: [
          dest(s.ids[0] ?? '', 'Server A', { state: 'live', sinceMs: 1 }),
          dest(s.ids[1] ?? '', 'Server B', { state: 'retrying', retryInMs: 3000, attempt: 2, lastError: 'Connection refused' }),
        ],
      },
    });
    await settle();
    expect(w.get(`[data-destination="${s.ids[0] ?? ''}"] .badge`).text()).toBe('Live');
    expect(w.get(`[data-destination="${s.ids[1] ?? ''}"] .badge`).text()).toBe('Retrying in 3 s');
    expect(w.get(`[data-destination="${s.ids[1] ?? ''}"]`).text()).toContain('Attempt 2: Connection refused');

    h.engine.emit({ type: 'relay-status', status: { sessionId: 's', state: 'live', startedAtMs: 1, input, warnings: [], destinations: [dest(s.ids[1] ?? '', 'Server B', { state: 'failed', reason: 'The destination rejected the stream (check the stream key).' })] } });
    await settle();
    expect(w.get(`[data-destination="${s.ids[1] ?? ''}"]`).text()).toContain('Failed');
    expect(w.get(`[data-destination="${s.ids[1] ?? ''}"]`).text()).toContain('check the stream key');

    await button.trigger('click');
    await settle();
    expect(h.engine.callsOf('stopLive')).toHaveLength(1);
    expect(h.api.requests('POST', '/api/stream/stop')[0]?.body).toMatchObject({ sessionId: expect.any(String) as string });
    expect(button.text()).toBe('Go live');
  });

  it('explains the plan limit when the API refuses the session, and does not call the engine', async () => {
    const s = await studioWith([{ name: 'A' }, { name: 'B' }]);
    h = s.h;
    // The UI thinks the plan allows 2, the server says no (e.g. plan changed meanwhile).
    h.api.plan = 'free';
    const ids = [...s.ids, h.api.addDestination({ name: 'C', key: 'cccc-1234' })];
    const studio = h.inApp(() => useStudioStore());
    await studio.goLive(ids);
    const w = await h.mount(ErrorList, { errors: studio.errors });
    expect(w.get('[data-code="PLAN_DESTINATION_LIMIT"]').text()).toContain('The Free plan streams to at most 2 destinations at once');
    expect(h.engine.callsOf('goLive')).toHaveLength(0);
    expect(studio.live).toBe('idle');
  });

  it('says where the plan limit bites before going live and disables the button', async () => {
    const s = await studioWith([{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
    h = s.h;
    const w = await h.mount(LiveControls);
    expect(w.get('[role="alert"]').text()).toContain('3 destinations are enabled, but the Free plan streams to 2 at once');
    expect(w.get('[data-testid="go-live"]').attributes('disabled')).toBeDefined();
    expect(w.get('option[value="1080p"]').attributes('disabled')).toBeDefined();
  });

  it('records locally without going live and offers the file for download', async () => {
    const s = await studioWith([]);
    h = s.h;
    const w = await h.mount(LiveControls);
    await w.get('[data-testid="record"]').trigger('click');
    await settle();
    // Before the engine reports a size, the button shows how long the recording runs.
    expect(w.get('[data-testid="record"]').text()).toBe('Stop recording (0:00)');
    // Then the size it reports with its stats, once a second.
    const stats = { fpsIn: 30, fpsOut: 30, encodeMsP50: 4, encodeMsP95: 8, videoQueueDepth: 0, sendQueueDepth: 0, framesDropped: 0, videoBitrateKbps: 2500, sendLatencyMs: null, rttMs: null, transport: null };
    h.engine.emit({ type: 'stats', stats: { ...stats, recordingBytes: 1_200_000 } });
    await settle();
    expect(w.get('[data-testid="record"]').text()).toBe('Stop recording (0:00 · 1.2 MB)');
    h.engine.emit({ type: 'stats', stats: { ...stats, recordingBytes: 2_500_000 } });
    await settle();
    expect(w.get('[data-testid="record"]').text()).toBe('Stop recording (0:00 · 2.5 MB)');
    await w.get('[data-testid="record"]').trigger('click');
    await settle();
    const link = w.get('[data-testid="download"]');
    expect(link.attributes('href')).toMatch(/^blob:/);
    const blob = await (await fetch(link.attributes('href') ?? '')).blob();
    expect(blob.size).toBe(2048);
    expect(h.engine.callsOf('goLive')).toHaveLength(0);
  });
});

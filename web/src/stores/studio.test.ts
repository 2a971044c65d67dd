import { afterEach, describe, expect, it, vi } from 'vitest';
import { isProxy } from 'vue';
import { createHarness, settle, type Harness } from '../ui/testing/harness.ts';
import { useAuthStore } from './auth.ts';
import { displayName, statusStaleMs, useStudioStore } from './studio.ts';

let h: Harness | undefined;
afterEach(() => h?.unmountAll());

describe('studio store', () => {
  it('keeps the engine and media out of reactive state (only plain, serialisable values)', async () => {
    h = await createHarness();
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    await studio.addDevice('camera');
    studio.setGain('camera-1', 0.5);
    const state = h.pinia.state.value.studio as Record<string, unknown>;
    expect(Object.values(state).some((v) => v === h?.engine)).toBe(false);
    expect(() => JSON.stringify(state)).not.toThrow();
    expect(isProxy(h.engine)).toBe(false);
    expect(studio.sources[0]).toMatchObject({ id: 'camera-1', name: 'Fake camera', gain: 0.5, muted: false });
  });

  it('ends the API session if the engine cannot go live, and returns to idle', async () => {
    h = await createHarness();
    const id = h.api.addDestination({ name: 'A', key: 'aaaa-1234' });
    const studio = h.inApp(() => useStudioStore());
    h.engine.goLive = () => Promise.reject(new Error('WebTransport and WebSocket both failed'));
    studio.attach(h.engine);
    await studio.goLive([id]);
    expect(h.api.requests('POST', '/api/stream/stop')).toHaveLength(1);
    expect(studio.live).toBe('idle');
    expect(studio.errors.at(-1)?.detail).toBe('WebTransport and WebSocket both failed');
  });

  it('stops the show on a fatal engine error', async () => {
    h = await createHarness();
    const id = h.api.addDestination({ name: 'A', key: 'aaaa-1234' });
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    await studio.goLive([id]);
    expect(studio.live).toBe('live');
    h.engine.emit({ type: 'error', code: 'STUDIO_ENCODER_FAILED', message: 'The video or audio encoder failed.', fatal: true });
    await settle();
    expect(h.engine.callsOf('stopLive')).toHaveLength(1);
    expect(studio.live).toBe('idle');
    expect(studio.errors.map((e) => e.code)).toContain('STUDIO_ENCODER_FAILED');
  });

  it('forgets the relay status on stop, so the ended show’s destination badges go away', async () => {
    h = await createHarness();
    const id = h.api.addDestination({ name: 'A', key: 'aaaa-1234' });
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    await studio.goLive([id]);
    h.engine.emit({ type: 'relay-status', status: {
      sessionId: 's', state: 'live', startedAtMs: 1, warnings: [], destinations: [],
      input: { bitrateKbps: 1, fps: 30, keyframeIntervalSeconds: 2, framesReceived: 1, bytesReceived: 1, audioSampleRate: null },
    } });
    expect(studio.status).not.toBeNull();
    await studio.stop();
    expect(studio.status).toBeNull();
  });

  it('mute-all toggles every audio source, and detach stops listening', async () => {
    h = await createHarness();
    const studio = h.inApp(() => useStudioStore());
    studio.attach(h.engine);
    await studio.addDevice('microphone');
    await studio.addDevice('camera');
    studio.toggleMuteAll();
    expect(studio.sources.every((s) => s.muted)).toBe(true);
    studio.toggleMuteAll();
    expect(studio.sources.every((s) => !s.muted)).toBe(true);
    studio.detach();
    expect(h.engine.listeners.size).toBe(0);
    expect(studio.engineReady).toBe(false);
  });
});

describe('source names', () => {
  it('turns Chromium’s capture-surface ids into readable names, keeps real labels', () => {
    expect(displayName({ kind: 'screen', label: 'screen:0:0' }, 1)).toBe('Screen 1');
    expect(displayName({ kind: 'screen', label: 'screen:-3:0' }, 2)).toBe('Screen 2');
    expect(displayName({ kind: 'screen', label: 'window:5123:0' }, 1)).toBe('Window 1');
    expect(displayName({ kind: 'screen', label: 'web-contents-media-stream://12:3' }, 1)).toBe('Browser tab 1');
    expect(displayName({ kind: 'screen', label: 'Slides – Presenter view' }, 1)).toBe('Slides – Presenter view');
    expect(displayName({ kind: 'camera', label: 'FaceTime HD Camera' }, 1)).toBe('FaceTime HD Camera');
    expect(displayName({ kind: 'microphone', label: '' }, 2)).toBe('Microphone 2');
  });
});

describe('auth store', () => {
  it('logs out: revokes on the server and forgets the in-memory token', async () => {
    h = await createHarness({ signedIn: false });
    const auth = h.inApp(() => useAuthStore());
    await auth.login({ email: 'creator@example.com', password: 'secret-password-1' });
    expect(auth.signedIn).toBe(true);
    expect(auth.plan).toBe('free');
    await auth.logout();
    expect(auth.signedIn).toBe(false);
    expect(h.endpoints.client.hasAccessToken).toBe(false);
    expect(h.api.refreshValid).toBe(false);
    expect(await auth.restore()).toBe(false);
  });
});

describe('relay status fallback', () => {
  it('asks GET /api/stream/status when the engine has sent no relay status for a while, and stops asking after Stop', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      h = await createHarness();
      const id = h.api.addDestination({ name: 'A', key: 'aaaa-1234' });
      const studio = h.inApp(() => useStudioStore());
      studio.attach(h.engine);
      await studio.goLive([id]);
      h.api.liveStatus = {
        sessionId: studio.sessionId, state: 'live', startedAtMs: 1, warnings: [],
        input: { bitrateKbps: 1, fps: 30, keyframeIntervalSeconds: 2, framesReceived: 1, bytesReceived: 1, audioSampleRate: 48000 },
        destinations: [{ id, name: 'A', platform: 'custom', redactedUrl: 'rtmp://x/****1234', status: { state: 'connecting' }, bitrateKbps: 0, fps: 0, framesSent: 0, framesDropped: 0, bytesSent: 0, reconnects: 0, uptimeMs: 0 }],
      };
      await vi.advanceTimersByTimeAsync(statusStaleMs + 100);
      await settle();
      expect(studio.status?.destinations[0]?.status).toEqual({ state: 'connecting' });
      const polls = h.api.requests('GET', '/api/stream/status').length;
      expect(polls).toBeGreaterThan(0);
      await studio.stop();
      await vi.advanceTimersByTimeAsync(statusStaleMs * 3);
      await settle();
      expect(h.api.requests('GET', '/api/stream/status')).toHaveLength(polls);
    } finally {
      vi.useRealTimers();
    }
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import axe from 'axe-core';
import App from '../../App.vue';
import '../../styles/main.css';
import { useStudioStore } from '../../stores/studio.ts';
import { createHarness, settle, type Harness } from '../testing/harness.ts';
import { detailSessionId, pastSession, sessionDetail } from '../testing/fixtures.ts';

let h: Harness | undefined;
afterEach(() => h?.unmountAll());

async function seriousViolations(): Promise<string[]> {
  const result = await axe.run(document.body, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const pages: readonly { route: string; signedIn: boolean; ready: string }[] = [
  { route: '/login', signedIn: false, ready: 'form' },
  { route: '/register', signedIn: false, ready: 'form' },
  { route: '/studio', signedIn: true, ready: 'canvas' },
  { route: '/destinations', signedIn: true, ready: '.card' },
  { route: '/history', signedIn: true, ready: '[data-session]' },
  { route: `/history/${detailSessionId}`, signedIn: true, ready: '[data-testid="destination-row"]' },
  { route: '/profile', signedIn: true, ready: '[data-sign-in]' },
];

describe('accessibility (axe-core)', () => {
  it('the audit itself catches a broken page (unlabelled field)', async () => {
    const input = document.createElement('input');
    document.body.append(input);
    try {
      expect((await seriousViolations()).some((v) => v.startsWith('label:'))).toBe(true);
    } finally {
      input.remove();
    }
  });

  for (const page of pages) {
    it(`${page.route} has no serious or critical violations`, async () => {
      h = await createHarness({ signedIn: page.signedIn, route: page.route });
      h.api.addDestination({ name: 'Twitch main', platform: 'twitch', key: 'live_1234_abcd' });
      h.api.addDestination({ name: 'Backup RTMP', key: 'backup-key-9999', enabled: false });
      h.api.pastSessions = [pastSession()];
      h.api.sessionDetails.set(detailSessionId, sessionDetail());
      h.api.media.add('Logo.png', new Blob([new Uint8Array(2048)], { type: 'image/png' }));
      const w = await h.mount(App);
      await vi.waitFor(() => expect(w.find(page.ready).exists()).toBe(true));
      if (page.route === '/studio') {
        // Fill the studio the way a user would, so the panels are audited with content.
        const studio = h.inApp(() => useStudioStore());
        await vi.waitFor(() => expect(studio.engineReady).toBe(true));
        await studio.addDevice('camera');
        await studio.addDevice('microphone');
        await studio.setLayout('picture-in-picture');
        h.engine.emit({ type: 'levels', levels: { 'microphone-2': { peak: 0.4, rms: 0.2 } } });
        h.engine.emit({ type: 'stats', stats: { fpsIn: 30, fpsOut: 30, encodeMsP50: 4, encodeMsP95: 8, videoQueueDepth: 0, sendQueueDepth: 0, framesDropped: 0, videoBitrateKbps: 2500, sendLatencyMs: 10, rttMs: 20, transport: 'webtransport' } });
        h.engine.emit({ type: 'relay-status', status: {
          sessionId: 's', state: 'live', startedAtMs: 1,
          input: { bitrateKbps: 2500, fps: 30, keyframeIntervalSeconds: 2, framesReceived: 1, bytesReceived: 1, audioSampleRate: 48000 },
          warnings: [{ code: 'HEALTH_BITRATE_RANGE', message: 'Bitrate below what Twitch recommends.' }],
          destinations: [
            { id: 'a', name: 'Twitch main', platform: 'twitch', redactedUrl: 'x', status: { state: 'live', sinceMs: 1 }, bitrateKbps: 2500, fps: 30, framesSent: 1, framesDropped: 0, bytesSent: 1, reconnects: 0, uptimeMs: 1 },
            { id: 'b', name: 'Backup', platform: 'custom', redactedUrl: 'x', status: { state: 'retrying', retryInMs: 2000, attempt: 1, lastError: 'refused' }, bitrateKbps: 0, fps: 0, framesSent: 0, framesDropped: 0, bytesSent: 0, reconnects: 1, uptimeMs: 0 },
            { id: 'c', name: 'Old', platform: 'custom', redactedUrl: 'x', status: { state: 'failed', reason: 'Stream key rejected' }, bitrateKbps: 0, fps: 0, framesSent: 0, framesDropped: 0, bytesSent: 0, reconnects: 3, uptimeMs: 0 },
          ],
        } });
        studio.report('PLAN_DESTINATION_LIMIT', '');
        // An upload in flight, so the media bin's progress row is audited too.
        const input = w.get<HTMLInputElement>('[data-testid="upload-media"]');
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(1000)], 'clip.mp4', { type: 'video/mp4' }));
        input.element.files = transfer.files;
        await input.trigger('change');
        await settle();
        h.api.media.inFlight[0]?.progress(0.4);
      }
      if (page.route === '/destinations') {
        // Audit the add form too (labels, hints, error states).
        await w.findAll('button').find((b) => b.text() === 'Add destination')?.trigger('click');
        await w.get('#dest-platform').setValue('custom');
        await w.get('form').trigger('submit');
      }
      await settle();
      expect(await seriousViolations()).toEqual([]);
    });
  }
});

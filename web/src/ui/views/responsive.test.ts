import { afterEach, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import App from '../../App.vue';
import '../../styles/main.css';
import { useStudioStore } from '../../stores/studio.ts';
import { createHarness, settle, type Harness } from '../testing/harness.ts';
import { pastSession } from '../testing/fixtures.ts';

let h: Harness | undefined;
afterEach(() => h?.unmountAll());

describe('responsive layout', () => {
  for (const [width, height] of [[390, 844], [1920, 1080]] as const) {
    it(`the studio fits ${width} px without horizontal scrolling (screenshot saved)`, async () => {
      await page.viewport(width, height);
      h = await createHarness({ route: '/studio' });
      h.api.addDestination({ name: 'Twitch main', platform: 'twitch', key: 'live_1234_abcd' });
      const w = await h.mount(App);
      const studio = h.inApp(() => useStudioStore());
      await vi.waitFor(() => expect(studio.engineReady).toBe(true));
      await studio.addDevice('camera');
      await studio.addDevice('microphone');
      await studio.setLayout('picture-in-picture');
      await settle();
      expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(width);
      const canvas = w.get('canvas').element.getBoundingClientRect();
      expect(canvas.width).toBeGreaterThan(width >= 1000 ? 1000 : 340);
      expect(w.get('[data-testid="go-live"]').element.getBoundingClientRect().right).toBeLessThanOrEqual(width);
      await page.screenshot({ path: `../../../../test-artifacts/ui/studio-${width}.png` });
    });
  }
});

describe('responsive pages', () => {
  for (const route of ['/destinations', '/history', '/profile']) {
    it(`${route} fits 390 px without horizontal scrolling`, async () => {
      await page.viewport(390, 844);
      h = await createHarness({ route });
      h.api.addDestination({ name: 'A very long destination name for a phone screen', platform: 'youtube', key: 'abcdefghijklmnopqrstuvwxyz-0123456789' });
      h.api.pastSessions = [pastSession()];
      const w = await h.mount(App);
      await vi.waitFor(() => expect(w.find('h1').text()).not.toBe(''));
      await settle();
      expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(390);
    });
  }
});

/**
 * The studio UI driving the real engine (issue 6) in headless Chromium with the fake camera and
 * microphone: sources, live meters, layout, and a local recording made from the UI.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import App from '../../App.vue';
import { createStudioEngine } from '../../pipeline/engine.ts';
import '../../styles/main.css';
import { createHarness, settle, type Harness } from '../testing/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  h?.unmountAll();
  await settle();
});

describe('studio with the real engine', () => {
  it('adds camera and microphone, shows live levels, switches layout and records locally', async () => {
    h = await createHarness({ route: '/studio', engine: () => createStudioEngine() });
    const w = await h.mount(App);
    const button = (text: string) => w.findAll('button').find((b) => b.text() === text);
    await vi.waitFor(() => expect(button('+ Camera')?.attributes('disabled')).toBeUndefined(), { timeout: 10_000 });

    await button('+ Camera')?.trigger('click');
    await button('+ Microphone')?.trigger('click');
    await vi.waitFor(() => expect(w.findAll('.source')).toHaveLength(2), { timeout: 10_000 });
    // The fake microphone plays a tone: its meter rises above the -60 dBFS floor.
    await vi.waitFor(() => {
      const values = w.findAll('[role="meter"]').map((m) => Number(m.attributes('aria-valuenow')));
      expect(Math.max(...values)).toBeGreaterThan(-60);
    }, { timeout: 10_000 });

    await w.get('[data-layout="picture-in-picture"]').trigger('click');
    await settle();
    expect(w.get('[data-layout="picture-in-picture"]').attributes('aria-checked')).toBe('true');
    expect(w.findAll('.error')).toHaveLength(0);
    await page.screenshot({ path: '../../../../test-artifacts/ui/studio-real-engine.png' });

    await w.get('[data-testid="record"]').trigger('click');
    await new Promise((r) => setTimeout(r, 1500));
    await w.get('[data-testid="record"]').trigger('click');
    await vi.waitFor(() => expect(w.find('[data-testid="download"]').exists()).toBe(true), { timeout: 10_000 });
    const blob = await (await fetch(w.get('[data-testid="download"]').attributes('href') ?? '')).blob();
    expect(blob.size).toBeGreaterThan(10_000);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { platformPresets } from '@streamhub/shared/platforms';
import { useAuthStore } from '../../stores/auth.ts';
import { createHarness, settle, type Harness } from '../testing/harness.ts';
import DestinationsView from './DestinationsView.vue';

let h: Harness | undefined;
afterEach(() => {
  h?.unmountAll();
  vi.restoreAllMocks();
});

async function view(): Promise<{ h: Harness; w: Awaited<ReturnType<Harness['mount']>> }> {
  const harness = await createHarness();
  await harness.inApp(() => useAuthStore()).restore();
  return { h: harness, w: await harness.mount(DestinationsView) };
}

/** The view with the add form open on `platform`; the harness is kept for cleanup. */
async function addForm(platform: string): Promise<{ h: Harness; w: Awaited<ReturnType<Harness['mount']>> }> {
  const v = await view();
  h = v.h;
  await v.w.findAll('button').find((b) => b.text() === 'Add destination')?.trigger('click');
  await v.w.get('#dest-platform').setValue(platform);
  return v;
}

describe('DestinationsView', () => {
  it('lists destinations with masked keys only', async () => {
    const harness = await createHarness();
    harness.api.addDestination({ name: 'My Twitch', platform: 'twitch', key: 'live_987654321_SECRETzz99' });
    await harness.inApp(() => useAuthStore()).restore();
    h = harness;
    const w = await harness.mount(DestinationsView);
    await vi.waitFor(() => expect(w.find('[data-testid="masked-key"]').exists()).toBe(true));
    expect(w.get('[data-testid="masked-key"]').text()).toBe('****zz99');
    expect(document.body.innerHTML).not.toContain('SECRET');
    expect(w.text()).toContain(platformPresets.twitch.defaultUrl);
  });

  it('adds a destination from a preset (URL filled) and never shows the key afterwards', async () => {
    const { h: harness, w } = await addForm('youtube');
    expect((w.get('#dest-url').element as HTMLInputElement).value).toBe(platformPresets.youtube.defaultUrl);
    expect(w.get('#dest-key').attributes('type')).toBe('password');
    await w.get('#dest-key').setValue('abcd-efgh-ijkl-mnop');
    await w.get('form').trigger('submit');
    await settle();
    expect(harness.api.requests('POST', '/api/destinations')[0]?.body).toMatchObject({ name: 'YouTube', platform: 'youtube', streamKey: 'abcd-efgh-ijkl-mnop' });
    expect(w.get('[data-testid="masked-key"]').text()).toBe('****mnop');
    expect(document.body.innerHTML).not.toContain('abcd-efgh');
  });

  it('validates a custom destination URL with the API rules', async () => {
    const { h: harness, w } = await addForm('custom');
    await w.get('#dest-url').setValue('http://example.com/live');
    await w.get('#dest-key').setValue('key-1234');
    await w.get('form').trigger('submit');
    expect(w.get('#dest-url-error').text()).toBe('URL must be an rtmp:// or rtmps:// address.');
    expect(harness.api.requests('POST', '/api/destinations')).toHaveLength(0);
  });

  it('asks TikTok for its own server URL (no preset), with where to find it', async () => {
    const { h: harness, w } = await addForm('tiktok');
    expect((w.get('#dest-url').element as HTMLInputElement).value).toBe('');
    expect(w.get('#dest-url-hint').text()).toContain('copy the Server URL from TikTok LIVE Center');
    await w.get('#dest-key').setValue('tiktok-key-1234');
    await w.get('form').trigger('submit');
    expect(w.get('#dest-url-error').text()).toBe('TikTok Live needs its rtmp:// or rtmps:// URL.');
    expect(harness.api.requests('POST', '/api/destinations')).toHaveLength(0);
    await w.get('#dest-url').setValue('rtmp://push-rtmp-l1-va01.tiktokcdn.com/game');
    await w.get('form').trigger('submit');
    await settle();
    expect(harness.api.requests('POST', '/api/destinations')[0]?.body).toMatchObject({ platform: 'tiktok', url: 'rtmp://push-rtmp-l1-va01.tiktokcdn.com/game' });
  });

  it('enables and disables, explains the plan limit when it bites, and removes', async () => {
    const harness = await createHarness();
    for (const n of ['A', 'B', 'C']) harness.api.addDestination({ name: n, key: `${n}-key-0000` });
    await harness.inApp(() => useAuthStore()).restore();
    h = harness;
    const w = await harness.mount(DestinationsView);
    await vi.waitFor(() => expect(w.findAll('.card')).toHaveLength(3));
    expect(w.get('[data-testid="plan-note"]').text()).toContain('Your Free plan streams to 2 destinations at once');
    expect(w.get('[data-testid="plan-note"]').text()).toContain('Disable 1 to go live.');
    const first = harness.api.destinations[0]?.id ?? '';
    await w.get(`[data-destination="${first}"] input[type="checkbox"]`).setValue(false);
    await settle();
    expect(harness.api.requests('PATCH', `/api/destinations/${first}`)[0]?.body).toEqual({ enabled: false });
    expect(w.get('[data-testid="plan-note"]').text()).not.toContain('Disable');

    vi.spyOn(window, 'confirm').mockReturnValue(true);
    await w.get('[aria-label="Remove B"]').trigger('click');
    await settle();
    expect(w.findAll('.card')).toHaveLength(2);
  });
});

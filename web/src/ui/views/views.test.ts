import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../../App.vue';
import { createHarness, settle, type Harness } from '../testing/harness.ts';
import { formatDuration } from './history-format.ts';
import { detailSessionId, pastSession, sessionDetail } from '../testing/fixtures.ts';

let h: Harness | undefined;
afterEach(() => h?.unmountAll());

describe('StudioView', () => {
  it('boots the engine from the provider, attaches the preview canvas, and answers shortcuts', async () => {
    h = await createHarness({ route: '/studio' });
    const w = await h.mount(App);
    await vi.waitFor(() => expect(h?.engine.callsOf('attachPreview')).toHaveLength(1));
    expect(h.engine.callsOf('attachPreview')[0]).toEqual(['attachPreview', 1280, 720]);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '3' }));
    await settle();
    expect(h.engine.callsOf('setLayout')).toEqual([['setLayout', 'picture-in-picture']]);
    expect(w.find('[data-testid="pip-box"]').exists()).toBe(true);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '?' }));
    await settle();
    expect(w.get('dialog').text()).toContain('Keyboard shortcuts');
    expect((w.get('dialog').element as HTMLDialogElement).open).toBe(true);
  });

  it('closes the engine when leaving the studio', async () => {
    h = await createHarness({ route: '/studio' });
    await h.mount(App);
    await vi.waitFor(() => expect(h?.engine.callsOf('attachPreview')).toHaveLength(1));
    await h.router.push('/profile');
    await vi.waitFor(() => expect(h?.engine.closed).toBe(true));
  });
});

describe('HistoryView', () => {
  it('lists past sessions with duration, destinations and outcomes', async () => {
    h = await createHarness({ route: '/history' });
    h.api.pastSessions = [pastSession()];
    const w = await h.mount(App);
    await vi.waitFor(() => expect(w.findAll('[data-session]')).toHaveLength(1));
    const row = w.get('[data-session]').text();
    expect(row).toContain('1 h 4 min');
    expect(row).toContain('Stopped by you');
    expect(row).toContain('Twitch main');
    expect(row).toContain('Old YouTube');
    expect(row).toContain('Failed');
    expect(row).toContain('3 reconnects');
  });

  it('opens a session’s details: outcome, each destination’s result and last error, the bitrate chart', async () => {
    h = await createHarness({ route: '/history' });
    h.api.pastSessions = [pastSession({ id: detailSessionId })];
    h.api.sessionDetails.set(detailSessionId, sessionDetail());
    const w = await h.mount(App);
    await vi.waitFor(() => expect(w.findAll('[data-session]')).toHaveLength(1));
    await w.get('[data-session] a').trigger('click');
    await vi.waitFor(() => expect(w.findAll('[data-testid="destination-row"]')).toHaveLength(2));
    expect(h.router.currentRoute.value.path).toBe(`/history/${detailSessionId}`);
    expect(w.get('[data-testid="outcome"]').text()).toBe('Stopped by you');
    expect(w.findAll('[data-testid="destination-row"]')[1]?.text()).toContain('Failed: The destination refused the connection.');
    expect(w.findAll('.legend li').map((l) => l.text())).toEqual(['Input (from the studio)', 'Twitch main']);
    expect(w.findAll('svg polyline')).toHaveLength(2);
    expect(w.findAll('.chart tbody tr').map((r) => r.findAll('th, td').map((c) => c.text()))).toEqual([
      ['0:00', '4400', '4300'], ['0:05', '4500', '4450'], ['0:10', '4200', '1200'],
    ]);
  });

  it('says so when a session does not exist', async () => {
    h = await createHarness({ route: `/history/${detailSessionId}` });
    const w = await h.mount(App);
    await vi.waitFor(() => expect(w.find('[role="alert"]').exists()).toBe(true));
    expect(w.get('[role="alert"]').text()).toBe('Stream session not found.');
  });

  it('formats durations', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
  });
});

describe('ProfileView', () => {
  it('shows the plan and signed-in devices, and revokes another device', async () => {
    h = await createHarness({ route: '/profile' });
    const w = await h.mount(App);
    await vi.waitFor(() => expect(w.findAll('[data-sign-in]')).toHaveLength(2));
    expect(w.get('[data-testid="plan"]').text()).toBe('Free');
    expect(w.findAll('[data-sign-in] button')).toHaveLength(1);
    await w.get('[data-sign-in] button').trigger('click');
    await settle();
    expect(h.api.requests('DELETE', '/api/auth/sessions/00000000-0000-4000-8000-000000000002')).toHaveLength(1);
    expect(w.findAll('[data-sign-in]')).toHaveLength(1);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import App from './App.vue';
import { createHarness, settle, type Harness } from './ui/testing/harness.ts';

let h: Harness | undefined;
afterEach(() => h?.unmountAll());

describe('App', () => {
  it('sends a signed-out visitor to sign in and back to the page they asked for', async () => {
    h = await createHarness({ signedIn: false, route: '/destinations' });
    expect(h.router.currentRoute.value.fullPath).toBe('/login?redirect=/destinations');
    const w = await h.mount(App);
    await vi.waitFor(() => expect(w.find('h1').text()).toBe('Sign in'));
    await w.get('#email').setValue('creator@example.com');
    await w.get('#password').setValue('secret-password-1');
    await w.get('form').trigger('submit');
    await settle();
    await vi.waitFor(() => expect(w.find('h1').text()).toBe('Destinations'));
    expect(h.router.currentRoute.value.path).toBe('/destinations');
    expect(w.get('nav').text()).toContain('History');
  });

  it('restores the session from the refresh cookie after a reload (token only in memory)', async () => {
    h = await createHarness({ signedIn: false });
    h.api.signIn();
    await h.router.push('/history');
    expect(h.router.currentRoute.value.path).toBe('/history');
    expect(h.api.refreshCount).toBe(1);
  });

  it('shows validation and a generic sign-in failure', async () => {
    h = await createHarness({ signedIn: false, route: '/login' });
    const w = await h.mount(App);
    await vi.waitFor(() => expect(w.find('form').exists()).toBe(true));
    await w.get('form').trigger('submit');
    expect(w.get('#email-error').text()).toContain('Enter an email address');
    expect(w.get('#email').attributes('aria-invalid')).toBe('true');
    await w.get('#email').setValue('creator@example.com');
    await w.get('#password').setValue('wrong-password1');
    await w.get('form').trigger('submit');
    await vi.waitFor(() => expect(w.find('[data-testid="auth-error"]').text()).toBe('Email or password is incorrect.'));
    expect(h.router.currentRoute.value.path).toBe('/login');
  });

  it('applies the password rules of the API when registering', async () => {
    h = await createHarness({ signedIn: false, route: '/register' });
    const w = await h.mount(App);
    await vi.waitFor(() => expect(w.find('form').exists()).toBe(true));
    await w.get('#email').setValue('new@example.com');
    await w.get('#password').setValue('short1');
    await w.get('form').trigger('submit');
    expect(w.get('#password-error').text()).toBe('Password must be at least 10 characters long.');
    await w.get('#password').setValue('long-enough-password-7');
    await w.get('form').trigger('submit');
    await settle();
    expect(h.api.requests('POST', '/api/auth/register')[0]?.body).toEqual({ email: 'new@example.com', password: 'long-enough-password-7' });
    await vi.waitFor(() => expect(h?.router.currentRoute.value.path).toBe('/studio'));
  });

  it('keeps the user in place through an expired access token, and sends them to sign in when the session is gone', async () => {
    h = await createHarness({ route: '/history' });
    h.api.pastSessions = [];
    const w = await h.mount(App);
    h.api.expireAccessToken();
    await h.router.push('/destinations');
    await vi.waitFor(() => expect(h?.api.requests('GET', '/api/destinations')).toHaveLength(2));
    await settle();
    expect(h.router.currentRoute.value.path).toBe('/destinations');
    expect(h.api.log.slice(-3).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/destinations', 'POST /api/auth/refresh', 'GET /api/destinations']);
    expect(w.get('h1').text()).toBe('Destinations');

    h.api.expireAccessToken();
    h.api.refreshValid = false;
    await h.router.push('/history');
    await settle();
    await vi.waitFor(() => expect(w.find('h1').text()).toBe('Sign in'));
    expect(h.router.currentRoute.value.fullPath).toBe('/login?redirect=/history');
  });
});

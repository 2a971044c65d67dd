import type { Page } from 'playwright-core';

/** What a new user types on the sign-up page. */
export interface Credentials {
  readonly email: string;
  readonly password: string;
}

/** Signs up through the real form and lands in the studio (the router's default after auth). */
export async function registerInUi(page: Page, credentials: Credentials): Promise<void> {
  await page.goto('/register');
  await page.locator('#email').fill(credentials.email);
  await page.locator('#password').fill(credentials.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/studio');
}

/** Client-side navigation through the main nav (keeps the in-memory access token, as a user would). */
export async function navigate(page: Page, name: 'Studio' | 'Destinations' | 'History' | 'Profile'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await page.waitForURL(`**/${name.toLowerCase()}`);
}

export interface CustomDestination {
  readonly name: string;
  /** RTMP URL without the key. */
  readonly url: string;
  readonly streamKey: string;
}

/** Adds a "Custom RTMP/RTMPS" destination with the destinations page's form; waits until its card is listed. */
export async function addCustomDestination(page: Page, destination: CustomDestination): Promise<void> {
  await page.getByRole('button', { name: 'Add destination' }).click();
  await page.locator('#dest-platform').selectOption('custom');
  await page.locator('#dest-name').fill(destination.name);
  await page.locator('#dest-url').fill(destination.url);
  await page.locator('#dest-key').fill(destination.streamKey);
  await page.locator('form.dest-form').getByRole('button', { name: 'Add destination' }).click();
  await page.locator('.cards li', { hasText: destination.name }).waitFor();
}

/** Waits until the engine booted (the add-source buttons are enabled only then). */
export async function waitForEngine(page: Page): Promise<void> {
  await page.getByRole('button', { name: '+ Camera' }).and(page.locator(':enabled')).waitFor({ timeout: 30_000 });
}

/**
 * Adds a device source (camera, microphone, screen) and waits for its row in the sources list.
 * Once in CI a first click's camera never arrived (no error, no row, 20 s; Chromium's fake device):
 * a second click is what a user would do, so the harness does it once, and says so.
 */
export async function addDeviceSource(page: Page, kind: 'Camera' | 'Microphone' | 'Screen'): Promise<void> {
  const rows = page.locator('.sources li.source');
  const before = await rows.count();
  const button = page.getByRole('button', { name: `+ ${kind}` });
  await button.click();
  try {
    await rows.nth(before).waitFor({ timeout: 15_000 });
  } catch {
    console.log(`e2e: no ${kind} source 15 s after "+ ${kind}"; clicking again`);
    await button.click();
    await rows.nth(before).waitFor({ timeout: 20_000 });
  }
}

/** The Go live / Stop button (one button, its label follows the state). */
export const liveButton = (page: Page) => page.getByTestId('go-live');

/** Text of the "Stream health" panel's figure named `term` (e.g. "Transport", "Ingest receives"). */
export async function healthFigure(page: Page, term: string): Promise<string> {
  const text = await page.locator('.health dl div', { has: page.locator('dt', { hasText: term }) }).locator('dd').textContent();
  return (text ?? '').trim();
}

/** What a failing test prints: the page's visible text and the app's warnings and errors (pino levels ≥ 40). */
export async function diagnose(page: Page, logs: readonly string[], pageErrors: readonly string[]): Promise<string> {
  const text = await page.locator('body').innerText({ timeout: 2_000 }).catch(() => '(page unavailable)');
  const problems = logs.filter((line) => /"level":(40|50|60)/.test(line) || line.includes('ingest session')).slice(-15);
  return [`browser errors:\n${pageErrors.join('\n')}`, `page text:\n${text}`, `app warnings and ingest sessions:\n${problems.join('')}`].join('\n---\n');
}

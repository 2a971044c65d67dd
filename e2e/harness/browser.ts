import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs } from '../../vitest.config.ts';

/**
 * Headless Debian Chromium with the flags the browser tests use (never --disable-quic: WebTransport
 * needs QUIC). `--use-fake-ui-for-media-stream` also auto-accepts getDisplayMedia: headless, the
 * "screen" is a synthetic 1280-wide capture surface — verified here, no extra capture flag needed.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
}

export interface StudioPageOptions {
  readonly baseUrl: string;
  /** Deletes `window.WebTransport` before the studio loads, to take the WebSocket fallback path. */
  readonly withoutWebTransport?: boolean;
  readonly viewport?: { width: number; height: number };
}

export interface StudioPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every console error and page error, to print when a test fails. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** A fresh browser context (no cookies) with camera and microphone granted for the studio's origin. */
export async function openStudioPage(browser: Browser, options: StudioPageOptions): Promise<StudioPage> {
  const context = await browser.newContext({
    baseURL: options.baseUrl, viewport: options.viewport ?? { width: 1920, height: 1080 },
    permissions: ['camera', 'microphone'],
  });
  if (options.withoutWebTransport === true) {
    await context.addInitScript(() => {
      delete (window as { WebTransport?: unknown }).WebTransport;
    });
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { context, page, errors, close: () => context.close() };
}

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
  /** Deletes `WebTransport` from the page and the engine's worker before they load, to take the WebSocket fallback path. */
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
  if (options.withoutWebTransport === true) await context.addInitScript(withoutWebTransport);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { context, page, errors, close: () => context.close() };
}

/**
 * Init script: a browser without WebTransport, as far as the studio can tell. The page loses
 * `window.WebTransport`; the engine connects from its worker (pipeline/studio.worker.ts), which an
 * init script does not reach, so every Worker the page creates starts from a blob module that
 * imports the real script and then deletes the global — synchronously after the script's own
 * evaluation, so before any message (and any connect) reaches it.
 */
function withoutWebTransport(): void {
  delete (window as { WebTransport?: unknown }).WebTransport;
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      const target = JSON.stringify(new URL(url, location.href).href);
      const source = options?.type === 'module'
        ? `import ${target};\ndelete globalThis.WebTransport;\n`
        : `importScripts(${target});\ndelete self.WebTransport;\n`;
      super(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), options);
    }
  };
}

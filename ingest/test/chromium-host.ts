/**
 * Real Chromium (Debian /usr/bin/chromium via playwright-core) with a blank page served from
 * http://127.0.0.1 — a secure context (W3C Secure Contexts §3.2), which WebTransport requires.
 */
import { createServer } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs } from '../../vitest.config.ts';

export interface ChromiumHost {
  readonly browser: Browser;
  /** Origin of a blank page to run page scripts in. */
  readonly origin: string;
  close(): Promise<void>;
}

export async function startChromiumHost(title = 'test'): Promise<ChromiumHost> {
  const http = createServer((_request, response) => response.end(`<!doctype html><title>${title}</title>`));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  return {
    browser,
    origin,
    close: async () => {
      await browser.close();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { freePort, startRtmpListener, type RtmpListener } from '../../ingest/test/fixtures/rtmp-receiver.ts';
import { launchChromium } from './browser.ts';
import { startLiveStack, type LiveStack } from './live-stack.ts';
import type { Credentials } from './studio-ui.ts';

/** A unique new user per test (the free plan allows one live session at a time per user); the password always holds a digit. */
export function newUser(prefix: string): Credentials {
  return { email: `${prefix}-${randomBytes(4).toString('hex')}@example.test`, password: `Correct-horse-${randomBytes(3).toString('hex')}-battery-7` };
}

export interface Receiver {
  readonly port: number;
  readonly key: string;
  /** The RTMP URL without the key, as typed in the destinations form. */
  readonly url: string;
  readonly outPath: string;
  /** Starts FFmpeg listening (it serves one publisher, then exits when that one disconnects). */
  start(): Promise<RtmpListener>;
  stop(): Promise<void>;
}

/**
 * The product, a browser and a folder for RTMP receivers — everything a test file needs, closed in
 * reverse order (receivers, browser, app + database + studio build, folder) even when one close fails.
 */
export interface E2eWorld {
  readonly stack: LiveStack;
  readonly browser: Browser;
  receiver(name: string): Promise<Receiver>;
  close(): Promise<void>;
}

export async function openWorld(): Promise<E2eWorld> {
  const listeners: RtmpListener[] = [];
  const stack = await startLiveStack();
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await stack.close();
    throw error;
  }
  const dir = await mkdtemp(join(tmpdir(), 'streamhub-e2e-rtmp-'));
  return {
    stack, browser,
    async receiver(name) {
      const port = await freePort();
      const key = `key-${randomBytes(6).toString('hex')}`;
      let listener: RtmpListener | undefined;
      return {
        port, key, url: `rtmp://127.0.0.1:${String(port)}/live`, outPath: join(dir, `${name}.flv`),
        async start() {
          listener = await startRtmpListener({ port, dir, key, name });
          listeners.push(listener);
          return listener;
        },
        stop: async () => listener?.stop(),
      };
    },
    async close() {
      const results = await Promise.allSettled([
        ...listeners.map((l) => l.stop()),
        browser.close(),
      ]);
      results.push(...await Promise.allSettled([stack.close()]));
      await rm(dir, { recursive: true, force: true });
      const failed = results.find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
  };
}

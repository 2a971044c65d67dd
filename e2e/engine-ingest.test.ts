/**
 * Issue 6, "End to end with the ingest": fake camera + microphone → the real studio engine (worker
 * compositor, WebCodecs H.264) → WebTransport (or the WebSocket fallback) → the real ingest, which
 * counts the frames it receives and relays them to a real RTMP server; the relay's status comes
 * back to the studio's health panel and destination badges.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiAs, startedTransports, waitFor } from './harness/api.ts';
import { openStudioPage } from './harness/browser.ts';
import { newUser, openWorld, type E2eWorld } from './harness/scenario.ts';
import { addCustomDestination, addDeviceSource, diagnose, healthFigure, liveButton, navigate, registerInUi, waitForEngine } from './harness/studio-ui.ts';

let opened: E2eWorld | undefined;

beforeAll(async () => {
  opened = await openWorld();
});

afterAll(async () => {
  await opened?.close();
});

function world(): E2eWorld {
  if (opened === undefined) throw new Error('beforeAll did not finish');
  return opened;
}

interface Run {
  readonly browser: Browser;
  /** Removes WebTransport from the page and its workers before the studio loads (harness/browser.ts). */
  readonly withoutWebTransport: boolean;
}

/** Goes live from the studio with camera + microphone to one RTMP receiver; checks what the ingest and the studio saw; stops. */
async function goLiveAndCheckFrames({ browser, withoutWebTransport }: Run): Promise<{ transportText: string; transports: string[]; apiTransport: string | null }> {
  const { stack } = world();
  const studio = await openStudioPage(browser, { baseUrl: stack.baseUrl, withoutWebTransport });
  const { page } = studio;
  const receiver = await world().receiver(withoutWebTransport ? 'websocket' : 'webtransport');
  const logsBefore = stack.testApp.logs.length;
  try {
    const user = newUser(withoutWebTransport ? 'ws' : 'wt');
    await registerInUi(page, user);
    await navigate(page, 'Destinations');
    await addCustomDestination(page, { name: 'Loopback RTMP', url: receiver.url, streamKey: receiver.key });
    await navigate(page, 'Studio');
    await waitForEngine(page);
    await addDeviceSource(page, 'Camera');
    await addDeviceSource(page, 'Microphone');
    await receiver.start();

    const api = await apiAs(stack.testApp.app, user);
    await liveButton(page).click();
    await expect.poll(() => liveButton(page).textContent(), { timeout: 20_000 }).toContain('Stop');

    // GET /api/stream/status: the ingest receives frames, and keeps receiving them (≥ 1 s more at 30 fps).
    const first = await waitFor(async () => {
      const frames = (await api.status()).live?.input.framesReceived ?? 0;
      return frames > 0 ? frames : undefined;
    }, 'the ingest to receive frames');
    const later = await waitFor(async () => {
      const frames = (await api.status()).live?.input.framesReceived ?? 0;
      return frames >= first + 30 ? frames : undefined;
    }, 'more frames', 20_000, 250);
    expect(later).toBeGreaterThanOrEqual(first + 30);
    const apiTransport = (await api.status()).transport;

    // The relay's status reached the studio: the destination's badge and the ingest's bitrate.
    await page.locator('ul.badges li', { hasText: 'Loopback RTMP' }).locator('.badge', { hasText: 'Live' }).waitFor({ timeout: 20_000 });
    await expect.poll(async () => Number.parseInt(await healthFigure(page, 'Ingest receives'), 10), { timeout: 15_000 }).toBeGreaterThan(0);
    const transportText = await healthFigure(page, 'Transport');
    if (withoutWebTransport) {
      // The studio says it fell back (the error list's notice), not just silently uses the WebSocket.
      await page.getByText('Using WebSocket instead of WebTransport').waitFor({ timeout: 5_000 });
    }

    await liveButton(page).click();
    await expect.poll(() => liveButton(page).textContent(), { timeout: 20_000 }).toContain('Go live');
    await expect.poll(async () => (await api.status()).session, { timeout: 10_000 }).toBeNull();
    return { transportText, apiTransport, transports: startedTransports(stack.testApp.logs.slice(logsBefore)) };
  } catch (error) {
    console.log(await diagnose(page, stack.testApp.logs, studio.errors));
    throw error;
  } finally {
    await studio.close();
    await receiver.stop();
  }
}

describe('engine → ingest, end to end in headless Chromium', () => {
  test('fake camera → engine → WebTransport → the ingest receives frames and the relay status reaches the studio', async () => {
    const { transportText, transports, apiTransport } = await goLiveAndCheckFrames({ browser: world().browser, withoutWebTransport: false });
    expect(transports).toEqual(['webtransport']);
    expect(apiTransport).toBe('webtransport');
    expect(transportText).toBe('Connected (WebTransport)');
  });

  test('without WebTransport the studio says it fell back, and frames arrive over the WebSocket', async () => {
    const { transportText, transports, apiTransport } = await goLiveAndCheckFrames({ browser: world().browser, withoutWebTransport: true });
    expect(transports).toEqual(['websocket']);
    expect(apiTransport).toBe('websocket');
    expect(transportText).toBe('Connected (WebSocket)');
  });
});

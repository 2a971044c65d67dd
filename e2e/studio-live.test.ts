/**
 * Issue 7, the whole product as a new user, in headless Chromium against the real ingest, the real
 * PostgreSQL and two real RTMP servers (FFmpeg listening, writing FLV): register → two custom RTMP
 * destinations → camera + screen → picture-in-picture → Go live → both servers get H.264 + AAC for
 * ≥ 10 s (ffprobe) → the health panel shows a bitrate, the badges say Live → Stop → the session is
 * in the history, and its details page charts both destinations' bitrate. Screenshots of the live
 * studio at 1920 and 390 px go to test-artifacts/e2e/.
 *
 * The "screen" is Chromium's synthetic capture surface: headless, `--use-fake-ui-for-media-stream`
 * auto-accepts getDisplayMedia and serves a generated 1280-wide video + fake audio (no real screen).
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RtmpListener } from '../ingest/test/fixtures/rtmp-receiver.ts';
import { waitFor } from './harness/api.ts';
import { openStudioPage, type StudioPage } from './harness/browser.ts';
import { timeFirstKeyframe } from './harness/first-keyframe.ts';
import { startRtmpTap, type RtmpTap } from './harness/rtmp-tap.ts';
import { summarizeFlv } from './harness/flv-probe.ts';
import { newUser, openWorld, type E2eWorld, type Receiver } from './harness/scenario.ts';
import { addCustomDestination, addDeviceSource, diagnose, liveButton, navigate, registerInUi, waitForEngine } from './harness/studio-ui.ts';

const artifacts = fileURLToPath(new URL('../test-artifacts/e2e/', import.meta.url));
/** What each receiver must hold, in seconds of media (issue 7: ≥ 10 s); streamed a little longer for the ends. */
const minSeconds = 10;

// Undefined until beforeAll got that far; afterAll closes whatever was opened.
let opened: { world: E2eWorld; studio?: StudioPage } | undefined;
const receivers: Receiver[] = [];
const listeners: RtmpListener[] = [];
/** One per receiver, between the relay and the receiver: times the first keyframe on the wire. */
const taps: RtmpTap[] = [];

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  const world = await openWorld();
  opened = { world };
  opened.studio = await openStudioPage(world.browser, { baseUrl: world.stack.baseUrl, viewport: { width: 1920, height: 1080 } });
  for (const name of ['alpha', 'bravo']) {
    const receiver = await opened.world.receiver(name);
    receivers.push(receiver);
    listeners.push(await receiver.start());
    taps.push(await startRtmpTap(receiver.port));
  }
});

afterAll(async () => {
  await opened?.studio?.close();
  await Promise.all(taps.map((t) => t.close()));
  await opened?.world.close();
});

/** The browser page and the product, as beforeAll opened them. */
function ready(): { world: E2eWorld; studio: StudioPage } {
  if (opened?.studio === undefined) throw new Error('beforeAll did not finish');
  return { world: opened.world, studio: opened.studio };
}

describe('the studio, end to end as a new user', () => {
  test('register → two RTMP destinations → camera + screen in PIP → live to both for ≥ 10 s → stop → history', async () => {
    const { studio } = ready();
    const { page } = studio;
    try {
      await registerInUi(page, newUser('creator'));

      await navigate(page, 'Destinations');
      for (const [i, receiver] of receivers.entries()) {
        const tap = taps[i]?.port ?? receiver.port;
        await addCustomDestination(page, { name: `RTMP ${String(i + 1)}`, url: `rtmp://127.0.0.1:${String(tap)}/live`, streamKey: receiver.key });
      }
      await expect.poll(() => page.getByTestId('plan-note').textContent()).toContain('2 of 2 enabled');

      await navigate(page, 'Studio');
      await waitForEngine(page);
      await addDeviceSource(page, 'Camera');
      await addDeviceSource(page, 'Screen');
      const pip = page.locator('[data-layout="picture-in-picture"]');
      await pip.click();
      await expect.poll(() => pip.getAttribute('aria-checked')).toBe('true');
      await expect.poll(() => page.locator('.live .hint').textContent()).toContain('RTMP 1, RTMP 2');

      await goLiveAndStream();
      await stopAndCheckHistory();
    } catch (error) {
      console.log(await diagnose(page, ready().world.stack.testApp.logs, studio.errors));
      throw error;
    }

    // What the two RTMP servers wrote, read back by ffprobe.
    for (const receiver of receivers) {
      const flv = await summarizeFlv(receiver.outPath);
      console.log(`e2e: ${receiver.outPath.split('/').pop() ?? ''}: ${JSON.stringify(flv)}`);
      expect(flv.codecs).toEqual({ video: 'h264', audio: 'aac' });
      expect(flv.durationSeconds).toBeGreaterThanOrEqual(minSeconds);
      // Continuous video, not a frame-rate figure (the engine's frame rate is measured by the web
      // bench): on a loaded 2-core machine the studio's deadline clock drops late frames, so the
      // e2e asserts at least 15 fps on average and no hole of a second or more (seen alone: 0.25 s).
      expect(flv.videoPackets).toBeGreaterThanOrEqual(minSeconds * 15);
      expect(flv.longestVideoGapSeconds).toBeLessThan(1);
      expect(flv.audioPackets).toBeGreaterThan(0);
    }
  });
});

/** Go live, time the first keyframe, check health and badges while live, stream ≥ 10 s, screenshots. */
async function goLiveAndStream(): Promise<void> {
  const { world, studio: { page } } = ready();
  const clickedAt = Date.now();
  await liveButton(page).click();
  const times = await timeFirstKeyframe({ sinceMs: clickedAt, relay: world.stack.testApp.app.relay, taps });
  // The README figure (issue 7: target ≤ 2 s on loopback); printed, not asserted.
  console.log(`e2e figure: Go live click → first RTMP server receives a keyframe: ${String(times.keyframeAtServerMs)} ms (relay reported the destination live at ${String(times.relayLiveMs)} ms)`);
  const receivingSince = Date.now();

  // Both destinations' badges say Live, and the health panel shows a bitrate above 0.
  for (const name of ['RTMP 1', 'RTMP 2']) {
    await page.locator('ul.badges li', { hasText: name }).locator('.badge', { hasText: 'Live' }).waitFor({ timeout: 20_000 });
  }
  const bitrate = page.locator('.health figure', { hasText: 'Bitrate' }).getByTestId('spark-value');
  await expect.poll(async () => Number.parseInt((await bitrate.textContent()) ?? '', 10), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(async () => (await bitrate.textContent()) ?? '').toMatch(/^\d+ kbit\/s$/);


  // ≥ 10 s of media at the receivers, plus a margin for the first GOP and the tail on stop.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, receivingSince + (minSeconds + 1.5) * 1000 - Date.now())));

  // Still live, with 10 s of graphs: the studio at desktop and phone widths.
  await page.screenshot({ path: `${artifacts}studio-1920.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${artifacts}studio-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
}

async function stopAndCheckHistory(): Promise<void> {
  const { page } = ready().studio;
  await liveButton(page).click();
  await expect.poll(() => liveButton(page).textContent(), { timeout: 20_000 }).toContain('Go live');
  // `-listen 1`: each receiver exits once its publisher (the relay's FFmpeg) has disconnected and the FLV is finished.
  await Promise.all(listeners.map((l) => waitFor(() => (l.process.exitCode !== null || l.process.signalCode !== null ? true : undefined), 'the receivers to finish', 15_000)));

  await navigate(page, 'History');
  const row = page.locator('tbody tr[data-session]');
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
  const cells = await row.locator('td').allInnerTexts();
  const [, duration = '', outcome = '', destinations = ''] = cells.map((c) => c.trim());
  console.log(`e2e: history row: ${cells.join(' | ').replace(/\s+/g, ' ')}`);
  expect(Number.parseInt(duration, 10)).toBeGreaterThanOrEqual(minSeconds);
  // The studio says goodbye before it closes its transport, so the stop is recorded as one.
  expect(outcome).toBe('Stopped by you');
  expect(destinations).toContain('RTMP 1');
  expect(destinations).toContain('RTMP 2');

  // The session's details: both destinations' bitrate over time (samples every second in this stack).
  await row.getByRole('link').click();
  await page.waitForURL('**/history/*');
  await page.locator('[data-testid="destination-row"]').nth(1).waitFor();
  expect(await page.locator('.legend li').allInnerTexts()).toEqual(['Input (from the studio)', 'RTMP 1', 'RTMP 2']);
  const samples = await page.locator('.chart tbody tr').count();
  console.log(`e2e: session details: ${String(samples)} stats samples`);
  expect(samples).toBeGreaterThanOrEqual(minSeconds - 2);
}

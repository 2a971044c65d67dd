/**
 * Issue 7's media bin, end to end: in headless Chromium against the real ingest and PostgreSQL, a
 * new user uploads a PNG and an H.264 MP4 (made by FFmpeg) through the file picker — a real
 * XMLHttpRequest upload — renames one, adds both to the scene (the studio fetches the bytes back
 * and the real engine decodes them), is told why a text file named `.png` is refused, and deletes
 * an asset (its row and its file).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeFixture } from '../ingest/test/fixtures/make-fixture.ts';
import { openStudioPage, type StudioPage } from './harness/browser.ts';
import { newUser, openWorld, type E2eWorld } from './harness/scenario.ts';
import { diagnose, registerInUi, waitForEngine } from './harness/studio-ui.ts';

const run = promisify(execFile);
let opened: { world: E2eWorld; studio?: StudioPage; dir?: string } | undefined;

beforeAll(async () => {
  opened = { world: await openWorld() };
  opened.dir = await mkdtemp(join(tmpdir(), 'streamhub-e2e-media-'));
  opened.studio = await openStudioPage(opened.world.browser, { baseUrl: opened.world.stack.baseUrl });
});

afterAll(async () => {
  await opened?.studio?.close();
  await opened?.world.close();
  if (opened?.dir !== undefined) await rm(opened.dir, { recursive: true, force: true });
});

function ready(): { world: E2eWorld; studio: StudioPage; dir: string } {
  if (opened?.studio === undefined || opened.dir === undefined) throw new Error('beforeAll did not finish');
  return { world: opened.world, studio: opened.studio, dir: opened.dir };
}

/** Every uploaded file in the ingest's media folder (DATA_DIR/media/<userId>/<assetId>). */
async function storedFiles(world: E2eWorld): Promise<string[]> {
  const root = join(world.stack.dataDir, 'media');
  const users = await readdir(root).catch(() => []);
  const files = await Promise.all(users.map(async (u) => (await readdir(join(root, u))).map((f) => `${u}/${f}`)));
  return files.flat();
}

describe('media bin, end to end', () => {
  test('upload an image and a video → rename → add both to the scene → a disguised text file is refused → delete', async () => {
    const { world, studio: { page, errors }, dir } = ready();
    const png = join(dir, 'logo.png');
    await run('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=64x64', '-frames:v', '1', png]);
    const mp4 = join(dir, 'clip.mp4');
    await run('cp', [await makeFixture({ audio: 'none', seconds: 1, width: 320, height: 240 }), mp4]);
    const fake = join(dir, 'fake.png');
    await writeFile(fake, 'not an image, just text pretending to be one');
    try {
      await registerInUi(page, newUser('media'));
      await waitForEngine(page);
      const bin = page.locator('.media-bin');
      await bin.getByTestId('media-usage').waitFor();

      await page.getByTestId('upload-media').setInputFiles([png, mp4]);
      await expect.poll(() => bin.locator('.asset .name').allInnerTexts(), { timeout: 20_000 }).toEqual(expect.arrayContaining(['logo.png', 'clip.mp4']));
      const sizes = (await stat(png)).size + (await stat(mp4)).size;
      expect(await storedFiles(world)).toHaveLength(2);
      await expect.poll(() => bin.getByTestId('media-usage').innerText()).toContain(sizes < 1024 * 1024 ? `${String(Math.round(sizes / 1024))} KB` : 'MB');

      await bin.getByRole('button', { name: 'Rename logo.png' }).click();
      await bin.getByLabel('New name for logo.png').fill('Red logo');
      await bin.getByRole('button', { name: 'Save' }).click();
      await bin.locator('.asset .name', { hasText: 'Red logo' }).waitFor();

      const sources = page.locator('.sources li.source');
      await bin.getByRole('button', { name: 'Add Red logo to the scene' }).click();
      await sources.filter({ hasText: 'Red logo' }).filter({ hasText: 'Image' }).waitFor({ timeout: 20_000 });
      await bin.getByRole('button', { name: 'Add clip.mp4 to the scene' }).click();
      await sources.filter({ hasText: 'clip.mp4' }).filter({ hasText: 'Video' }).waitFor({ timeout: 20_000 });

      await page.getByTestId('upload-media').setInputFiles(fake);
      await page.getByText('File type not supported').waitFor({ timeout: 20_000 });
      expect(await storedFiles(world)).toHaveLength(2);

      await bin.getByRole('button', { name: 'Delete clip.mp4 from the media bin' }).click();
      await expect.poll(() => bin.locator('.asset .name').allInnerTexts()).toEqual(['Red logo']);
      await expect.poll(() => storedFiles(world)).toHaveLength(1);
    } catch (error) {
      console.log(await diagnose(page, world.stack.testApp.logs, errors));
      throw error;
    }
  });
});

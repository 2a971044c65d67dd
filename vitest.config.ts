import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import vue from '@vitejs/plugin-vue';

/** Chromium flags verified on these machines (../shared/ENVIRONMENT.md). Never --disable-quic: WebTransport needs QUIC. */
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
];

const run = promisify(execFile);

/**
 * Browser tests' way to an independent reader (STYLE.md: round trips are read back with another
 * tool): the page hands over a file's bytes, FFmpeg's own tools describe it.
 */
async function probeMp4(_context: unknown, base64: string): Promise<{ duration: number; streams: { codec_type: string; codec_name: string; nb_read_packets: string }[]; videoSha256: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'streamhub-probe-'));
  try {
    const path = join(dir, 'file.mp4');
    await writeFile(path, Buffer.from(base64, 'base64'));
    const probe = await run('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'format=duration:stream=codec_type,codec_name,nb_read_packets', '-of', 'json', path]);
    const parsed = JSON.parse(probe.stdout) as { format: { duration: string }; streams: { codec_type: string; codec_name: string; nb_read_packets: string }[] };
    // framehash: one line per packet, "stream, dts, pts, duration, size, hash", packets copied untouched.
    const hashes = await run('ffmpeg', ['-v', 'error', '-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'framehash', '-hash', 'sha256', '-'], { maxBuffer: 16 * 1024 * 1024 });
    const videoSha256 = hashes.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => (line.split(',').at(-1) ?? '').trim().replace(/^SHA256=/, ''));
    return { duration: Number(parsed.format.duration), streams: parsed.streams, videoSha256 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: './test-artifacts/vitest-report.json' },
    projects: [
      {
        test: {
          name: 'shared',
          root: './shared',
          include: ['src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'ingest',
          root: './ingest',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [vue()],
        // Pre-bundle up front: a cold first run otherwise re-optimises mid-run and reloads a test.
        optimizeDeps: { include: ['vue', 'pinia', 'vue-router', '@vue/test-utils', 'zod', 'axe-core', 'comlink', 'mediabunny'] },
        test: {
          name: 'web',
          root: './web',
          // Groups run one after another: the browser tests (real-time encoding, audio clocks) do
          // not share the two cores with the relay's FFmpeg tests, nor the e2e with either. All in
          // parallel, a fresh machine once saw the studio e2e at 15.6 fps and a limiter overshoot.
          sequence: { groupOrder: 1 },
          include: ['src/**/*.test.ts'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium' }],
            commands: { probeMp4 },
            provider: playwright({ launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs } }),
          },
        },
      },
      {
        test: {
          // The whole product in headless Chromium (e2e/harness): files share the CPU-heavy encoder, so one at a time.
          name: 'e2e',
          root: './e2e',
          sequence: { groupOrder: 2 },
          include: ['**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

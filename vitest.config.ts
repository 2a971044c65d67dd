import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import vue from '@vitejs/plugin-vue';

/** Chromium flags verified on these machines (../shared/ENVIRONMENT.md). Never --disable-quic: WebTransport needs QUIC. */
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
];

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
          include: ['src/**/*.test.ts'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium' }],
            provider: playwright({ launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs } }),
          },
        },
      },
      {
        test: {
          // The whole product in headless Chromium (e2e/harness): files share the CPU-heavy encoder, so one at a time.
          name: 'e2e',
          root: './e2e',
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

import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../../ingest/test/test-app.ts';
import { buildStudio, type StudioBuild } from './studio-build.ts';

export interface LiveStack {
  /** The real ingest app (API + studio + WebTransport + WebSocket ingest + relay) on its own PostgreSQL database. */
  readonly testApp: TestApp;
  /** Where the studio and the API are served (same origin), e.g. `http://127.0.0.1:41234`. */
  readonly baseUrl: string;
  /** The UDP port of the WebTransport server. */
  readonly webTransportPort: number;
  /** The app's DATA_DIR (minted certificates, uploaded media under `media/`). */
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * The whole product on loopback: the studio built for production, served by the real ingest on one
 * origin, WebTransport on a free UDP port, both listening on port 0 so test files never collide.
 */
export async function startLiveStack(): Promise<LiveStack> {
  const build: StudioBuild = await buildStudio();
  const dataDir = await mkdtemp(join(tmpdir(), 'streamhub-e2e-data-'));
  let testApp: TestApp | undefined;
  try {
    testApp = await createTestApp({
      DATA_DIR: dataDir,
      WEB_DIST_DIR: build.dir, WEBTRANSPORT_ENABLED: 'true', WEBTRANSPORT_PORT: '0', HOST: '127.0.0.1', PUBLIC_HOST: '127.0.0.1',
      LOG_LEVEL: 'info', STATS_SAMPLE_INTERVAL_MS: '1000',
    });
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = testApp.app.server.address() as AddressInfo;
    const webTransportPort = testApp.app.webtransport?.server.port;
    if (webTransportPort === undefined) throw new Error('the live plugin bound no WebTransport server');
    const app = testApp;
    return {
      testApp: app, baseUrl: `http://127.0.0.1:${port}`, webTransportPort, dataDir,
      async close() {
        try {
          await app.close();
        } finally {
          await build.close();
          await rm(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await testApp?.close();
    await build.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

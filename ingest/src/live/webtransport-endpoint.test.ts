import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { WebTransportClient } from '../transport/webtransport/client.ts';
import { endOutcome } from './live-plugin.ts';
import { liveEndpoints, openWebTransportEndpoint, type WebTransportEndpoint } from './webtransport-endpoint.ts';

let dir = '';
let endpoint: WebTransportEndpoint;
const config = (env: Record<string, string> = {}) => loadConfig({ DATA_DIR: dir, HOST: '127.0.0.1', WEBTRANSPORT_PORT: '0', ...env });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'streamhub-endpoint-'));
  endpoint = await openWebTransportEndpoint(config());
});

afterAll(async () => {
  await endpoint.close();
  await rm(dir, { recursive: true, force: true });
});

const connects = async (url: string, hash: string): Promise<boolean> => {
  try {
    const session = await WebTransportClient.connect(url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: hash }] });
    session.close({ code: 0, reason: 'test' });
    return true;
  } catch {
    return false;
  }
};

describe('WebTransport endpoint of the live plugin', () => {
  it('advertises the bound port and the current hash; a rotation is served and published at once', async () => {
    const endpoints = liveEndpoints({ config: config(), webtransport: endpoint, httpPort: () => 8181 });
    const before = endpoints();
    expect(before.webtransportUrl).toBe(`https://127.0.0.1:${endpoint.server.port}/ingest`);
    expect(before.websocketUrl).toBe('ws://127.0.0.1:8181/api/ingest/ws');
    expect(before.certificateHashes).toHaveLength(1);
    const oldHash = before.certificateHashes[0]?.value ?? '';
    expect(await connects(before.webtransportUrl, oldHash)).toBe(true);

    await endpoint.certificates.rotate();
    const after = endpoints();
    const newHash = after.certificateHashes[0]?.value ?? '';
    expect(newHash).not.toBe(oldHash);
    expect(await connects(after.webtransportUrl, newHash)).toBe(true);
    expect(await connects(after.webtransportUrl, oldHash)).toBe(false);
  });

  it('names hosts as browsers reach them: PUBLIC_HOST, a wildcard HOST as localhost, IPv6 in brackets', () => {
    expect(liveEndpoints({ config: config({ HOST: '0.0.0.0', WEBTRANSPORT_PORT: '4433' }) })().webtransportUrl).toBe('https://localhost:4433/ingest');
    expect(liveEndpoints({ config: config({ PUBLIC_HOST: 'live.example.com', PORT: '443', WEBTRANSPORT_PATH: '/wt' }) })()).toEqual({
      webtransportUrl: 'https://live.example.com:0/wt', websocketUrl: 'ws://live.example.com:443/api/ingest/ws', certificateHashes: [],
    });
    expect(liveEndpoints({ config: config({ HOST: '::1', WEBTRANSPORT_PORT: '4433' }) })().webtransportUrl).toBe('https://[::1]:4433/ingest');
  });

  it('records how a session ended in the history vocabulary', () => {
    expect(endOutcome('INGEST_SESSION_ENDED')).toBe('stopped');
    expect(endOutcome('RELAY_SESSION_STOPPED')).toBe('stopped');
    expect(endOutcome('INGEST_SHUTTING_DOWN')).toBe('disconnected');
    expect(endOutcome('WIRE_TIMESTAMP_BACKWARDS')).toBe('failed');
  });

  it('refuses a certificate without its key (config)', () => {
    expect(() => config({ WEBTRANSPORT_CERT_FILE: '/x.pem' })).toThrow(/WEBTRANSPORT_CERT_FILE and WEBTRANSPORT_KEY_FILE must be set together/);
  });
});

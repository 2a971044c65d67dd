import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebTransportClient } from '../webtransport/client.ts';
import { WebTransportServer } from '../webtransport/server.ts';
import { CertificateStore } from './certificate-store.ts';
import { mintCertificate } from './mint-certificate.ts';

const DAY = 86_400_000;
const dirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'wt-certs-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('mintCertificate', () => {
  it('mints an ECDSA P-256 self-signed X.509 v3 certificate valid 13 days, with the SHA-256 of its DER', () => {
    const minted = mintCertificate();
    const x509 = new X509Certificate(minted.certPem);
    expect(x509.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(new Date(x509.validTo).getTime() - new Date(x509.validFrom).getTime()).toBe(13 * DAY);
    expect(Buffer.from(minted.sha256).toString('hex').toUpperCase()).toBe(x509.fingerprint256.replaceAll(':', ''));
  });
});

describe('CertificateStore', () => {
  it('persists the minted certificate (key mode 0600) and reuses it while more than 2 days are left', async () => {
    const dir = await tempDir();
    const first = await CertificateStore.open({ dir });
    const hash = first.hashes();
    expect(hash).toEqual([{ algorithm: 'sha-256', value: Buffer.from(first.current().sha256).toString('base64') }]);
    first.close();
    expect((await stat(join(dir, 'webtransport-key.pem'))).mode & 0o777).toBe(0o600);

    const again = await CertificateStore.open({ dir, now: () => new Date(Date.now() + 10 * DAY) });
    expect(again.hashes()).toEqual(hash);
    again.close();
    const late = await CertificateStore.open({ dir, now: () => new Date(Date.now() + 11.5 * DAY) });
    expect(late.hashes()).not.toEqual(hash);
    late.close();
  });

  it('rotates on its timer before expiry and tells listeners', async () => {
    let now = new Date();
    const store = await CertificateStore.open({ dir: await tempDir(), checkIntervalMs: 20, now: () => now });
    const before = store.hashes();
    const rotated = new Promise((resolve) => store.onRotate(resolve));
    now = new Date(Date.now() + 12 * DAY);
    await rotated;
    expect(store.hashes()).not.toEqual(before);
    expect(store.current().notAfter.getTime()).toBeGreaterThan(now.getTime());
    store.close();
  });

  it('uses a configured certificate as is and publishes no hashes for it', async () => {
    const dir = await tempDir();
    const minted = mintCertificate();
    await writeFile(join(dir, 'c.pem'), minted.certPem);
    await writeFile(join(dir, 'k.pem'), minted.keyPem);
    const store = await CertificateStore.open({ dir, certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k.pem') });
    expect(store.current().certPem).toBe(minted.certPem);
    expect(store.current().selfSigned).toBe(false);
    expect(store.hashes()).toEqual([]);
    store.close();
    await expect(CertificateStore.open({ dir, certFile: join(dir, 'c.pem') })).rejects.toThrow(/together/);
  });

  it('swaps the certificate for new connections on rotation; the open session keeps working', async () => {
    const store = await CertificateStore.open({ dir: await tempDir() });
    const server = await WebTransportServer.listen({ host: '127.0.0.1', port: 0, path: '/ingest', certificate: store.current() });
    const off = store.onRotate((certificate) => server.setCertificate(certificate));
    const url = `https://127.0.0.1:${server.port}/ingest`;
    const oldHash = store.current().sha256;
    const before = await WebTransportClient.connect(url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: oldHash }] });
    await store.rotate();
    await expect(WebTransportClient.connect(url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: oldHash }] })).rejects.toThrow(/serverCertificateHashes/);
    const after = await WebTransportClient.connect(url, { serverCertificateHashes: store.hashes() });
    const stream = await before.createUnidirectionalStream();
    await stream.write(new Uint8Array(10));
    expect(before.isClosed).toBe(false);
    after.close();
    before.close();
    off();
    store.close();
    await server.close();
  });
});

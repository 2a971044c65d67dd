import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ingestRoutes, type CertificateHashes } from './ingest-routes.ts';

describe('GET /api/ingest/certificate-hashes', () => {
  it('publishes the provider’s current hashes, uncached, so a rotation shows at once', async () => {
    let current: CertificateHashes = [{ algorithm: 'sha-256', value: 'AAAA' }];
    const app = Fastify({ logger: false });
    await app.register(ingestRoutes, { certificateHashes: () => current });
    const first = await app.inject({ method: 'GET', url: '/api/ingest/certificate-hashes' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.json()).toEqual({ certificateHashes: [{ algorithm: 'sha-256', value: 'AAAA' }] });
    current = [...current, { algorithm: 'sha-256', value: 'BBBB' }];
    const second = await app.inject({ method: 'GET', url: '/api/ingest/certificate-hashes' });
    expect(second.json()).toEqual({ certificateHashes: [{ algorithm: 'sha-256', value: 'AAAA' }, { algorithm: 'sha-256', value: 'BBBB' }] });
    await app.close();
  });
});

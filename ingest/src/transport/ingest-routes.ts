import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { IngestEndpoints } from '../live/contracts.ts';

export type CertificateHashes = IngestEndpoints['certificateHashes'];

export interface IngestRoutesOptions {
  /**
   * Current SHA-256 digests of the WebTransport certificate(s), base64, for the browser's
   * `serverCertificateHashes` (W3C WebTransport §4.4). Called per request, so a rotated
   * certificate is published at once; empty with a CA-issued certificate. During a rotation both
   * the old and the new digest should be listed.
   */
  readonly certificateHashes: () => CertificateHashes | Promise<CertificateHashes>;
}

/** `GET /api/ingest/certificate-hashes` → `{ certificateHashes: [{ algorithm: 'sha-256', value }] }`. Public: digests are not secrets. */
async function ingestRoutesPlugin(app: FastifyInstance, options: IngestRoutesOptions): Promise<void> {
  app.get('/api/ingest/certificate-hashes', async (_request, reply) => {
    const certificateHashes = (await options.certificateHashes()).map(({ algorithm, value }) => ({ algorithm, value }));
    // Hashes change on rotation (every < 14 days): never let a cache serve a stale one.
    void reply.header('cache-control', 'no-store');
    return { certificateHashes };
  });
}

export const ingestRoutes = fp(ingestRoutesPlugin, { name: 'streamhub-ingest-routes', fastify: '5.x' });

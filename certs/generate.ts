/**
 * Mints (or reuses) the self-signed WebTransport certificate the ingest would use, and prints its
 * SHA-256 for `serverCertificateHashes`.
 *
 *   node certs/generate.ts [--dir certs/dev] [--force]
 *
 * Same code path as the server's own start-up (ingest/src/transport/certs/certificate-store.ts).
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { CertificateStore } from '../ingest/src/transport/certs/certificate-store.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: join(import.meta.dirname, 'dev') },
    force: { type: 'boolean', default: false },
  },
});

const store = await CertificateStore.open({ dir: values.dir });
if (values.force) await store.rotate();
const current = store.current();
store.close();
process.stdout.write(
  [
    `certificate: ${join(values.dir, 'webtransport-cert.pem')}`,
    `key:         ${join(values.dir, 'webtransport-key.pem')} (never commit it)`,
    `valid until: ${current.notAfter.toISOString()}`,
    `sha-256 (base64): ${Buffer.from(current.sha256).toString('base64')}`,
    `sha-256 (hex):    ${Buffer.from(current.sha256).toString('hex')}`,
    '',
  ].join('\n'),
);

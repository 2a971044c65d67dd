/**
 * API throughput: `POST /api/auth/login` (argon2id-bound) and `GET /api/destinations` (10 rows, JWT
 * verify + one indexed query) against a real listening app on PostgreSQL (a database of its own).
 * Prints req/s and latency p50/p99. Run: `npm run bench -w ingest` (or `node bench/api.bench.ts`).
 */
import autocannon from 'autocannon';
import { createTestApp, signUp } from '../test/test-app.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

const t = await createTestApp({ LOG_LEVEL: 'silent' });
try {
  const user = await signUp(t.app, 'bench');
  for (let i = 0; i < 10; i += 1) {
    await t.app.inject({ method: 'POST', url: '/api/destinations', headers: user.auth, payload: { name: `d${i}`, platform: 'twitch', streamKey: `bench-key-${i}-xxxx` } });
  }
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 });

  const run = async (title: string, path: string, options: Omit<autocannon.Options, 'url' | 'duration' | 'connections'>): Promise<void> => {
    // The load generator runs in a worker thread so it does not share the server's event loop.
    const result = await autocannon({ url: `${address}${path}`, duration: seconds, connections, workers: 1, ...options });
    const ok = result.non2xx === 0 && result.errors === 0;
    process.stdout.write(
      `${title.padEnd(26)} ${result.requests.average.toFixed(0).padStart(6)} req/s  ` +
      `p50 ${String(result.latency.p50).padStart(4)} ms  p99 ${String(result.latency.p99).padStart(4)} ms  ` +
      `(${result.requests.total} requests, ${connections} connections, ${seconds} s${ok ? '' : `, ${result.non2xx} non-2xx, ${result.errors} errors`})\n`,
    );
    if (!ok) process.exitCode = 1;
  };

  await run('POST /api/auth/login', '/api/auth/login', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  await run('GET /api/destinations', '/api/destinations', { method: 'GET', headers: user.auth });
} finally {
  await t.close();
}

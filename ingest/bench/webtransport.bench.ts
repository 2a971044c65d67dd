/**
 * WebTransport ingest CPU and memory: one Node client publishing 3 Mbit/s for ~10 s to a server
 * running in its own process, so the server's process.cpuUsage() is its alone.
 *
 *   node ingest/bench/webtransport.bench.ts [--seconds 10] [--mbps 3]
 *
 * Prints server CPU % of one core, server RSS before/after, bytes received. `run()` returns the
 * same figures for the bench runner.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mintCertificate } from '../src/transport/certs/mint-certificate.ts';
import { WebTransportClient } from '../src/transport/webtransport/client.ts';
import { WebTransportServer } from '../src/transport/webtransport/server.ts';

export interface WebTransportBenchResult {
  readonly seconds: number;
  readonly mbps: number;
  readonly serverCpuPercent: number;
  readonly serverRssMbBefore: number;
  readonly serverRssMbAfter: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
}

type ServerMessage = { type: 'ready'; port: number; sha256: string } | { type: 'usage'; cpuMicros: number; rss: number; bytes: number };

/** Child side: a server that counts bytes and reports its own CPU/RSS on request. */
async function serve(): Promise<void> {
  const cert = mintCertificate();
  const server = await WebTransportServer.listen({ host: '127.0.0.1', port: 0, path: '/ingest', certificate: cert });
  let bytes = 0;
  server.onSession((session) => {
    void (async () => {
      for await (const stream of session.incomingUnidirectionalStreams) {
        void (async () => {
          for await (const chunk of stream) bytes += chunk.length;
        })().catch(() => undefined);
      }
    })();
  });
  const send = (message: ServerMessage): void => void process.send?.(message);
  process.on('message', (message: string) => {
    if (message === 'usage') {
      const cpu = process.cpuUsage();
      send({ type: 'usage', cpuMicros: cpu.user + cpu.system, rss: process.memoryUsage().rss, bytes });
    } else if (message === 'exit') {
      void server.close().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', port: server.port, sha256: Buffer.from(cert.sha256).toString('base64') });
}

function ask(child: ChildProcess, type: ServerMessage['type'], request?: string): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const onMessage = (message: ServerMessage): void => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    if (request) child.send(request);
  });
}

export async function run(options: { seconds?: number; mbps?: number } = {}): Promise<WebTransportBenchResult> {
  const seconds = options.seconds ?? 10;
  const mbps = options.mbps ?? 3;
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit' });
  const ready = await ask(child, 'ready');
  if (ready.type !== 'ready') throw new Error('server did not start');
  const session = await WebTransportClient.connect(`https://127.0.0.1:${ready.port}/ingest`, {
    serverCertificateHashes: [{ algorithm: 'sha-256', value: ready.sha256 }],
  });
  const stream = await session.createUnidirectionalStream();
  const before = await ask(child, 'usage', 'usage');
  const tickMs = 33; // ~30 video frames a second
  const chunk = new Uint8Array(Math.round((mbps * 1e6 * tickMs) / 8000));
  const started = performance.now();
  let bytesSent = 0;
  for (let tick = 1; performance.now() - started < seconds * 1000; tick += 1) {
    await stream.write(chunk);
    bytesSent += chunk.length;
    const wait = started + tick * tickMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const elapsedMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = await ask(child, 'usage', 'usage');
  session.close();
  child.send('exit');
  await new Promise((resolve) => child.once('exit', resolve));
  if (before.type !== 'usage' || after.type !== 'usage') throw new Error('no usage report');
  return {
    seconds: Math.round(elapsedMs / 100) / 10,
    mbps,
    serverCpuPercent: Math.round(((after.cpuMicros - before.cpuMicros) / 1000 / (elapsedMs + 200)) * 1000) / 10,
    serverRssMbBefore: Math.round(before.rss / 1e5) / 10,
    serverRssMbAfter: Math.round(after.rss / 1e5) / 10,
    bytesSent,
    bytesReceived: after.bytes,
  };
}

if (process.argv.includes('--serve')) {
  await serve();
} else if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, mbps: { type: 'string', default: '3' } } });
  const result = await run({ seconds: Number(values.seconds), mbps: Number(values.mbps) });
  process.stdout.write(`WebTransport, 1 publisher at ${result.mbps} Mbit/s for ${result.seconds} s\n`);
  process.stdout.write(`  server CPU: ${result.serverCpuPercent} % of one core\n`);
  process.stdout.write(`  server RSS: ${result.serverRssMbBefore} MB before, ${result.serverRssMbAfter} MB after\n`);
  process.stdout.write(`  bytes: ${result.bytesSent} sent, ${result.bytesReceived} received\n`);
}

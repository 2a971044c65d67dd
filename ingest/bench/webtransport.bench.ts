/**
 * WebTransport ingest CPU and memory: one Node client publishing 3 Mbit/s for ~10 s to a server
 * running in its own process, so the server's process.cpuUsage() is its alone.
 *
 *   node ingest/bench/webtransport.bench.ts [--seconds 10] [--mbps 3] [--steady-from 30]
 *
 *   node ingest/bench/webtransport.bench.ts --publishers 10 --idle 50
 *
 *   node ingest/bench/webtransport.bench.ts --rtt 20
 *
 * Two CPU windows of `--seconds` each in one run: the first opens after the warm-up (3 s), the
 * steady one at `--steady-from` s. At 30 frames a second V8 is still compiling the hot path well
 * into the first window; a publisher streams for minutes to hours, so the steady window is its cost.
 *
 * `--rtt <ms>` holds every datagram the publishers receive for that long before their QUIC
 * connection sees it, so the path has that round-trip time instead of loopback's ~0.3 ms. It
 * matters to the server: quiche starts each receive window small (32 KiB a stream, 48 KiB the
 * connection) and doubles it only when two window updates come within 2 RTTs. On loopback that
 * never happens, so the server sends MAX_STREAM_DATA + MAX_DATA every other frame and the
 * publisher acknowledges each; over a real path the windows grow in the first seconds.
 *
 * Prints server CPU % of one core (total and per publisher), server RSS before/after, frames (one
 * write per 33 ms tick) sent and lost, RSS per idle session with --idle. `run()` returns the
 * same figures for the bench runner. WT_BENCH_PROFILE=<dir> writes a V8 CPU profile of the server;
 * WT_BENCH_NODE_ARGS passes extra Node/V8 flags to the server process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mintCertificate } from '../src/transport/certs/mint-certificate.ts';
import { WebTransportClient } from '../src/transport/webtransport/client.ts';
import { QuicConnection } from '../src/transport/webtransport/quic-connection.ts';
import { WebTransportServer } from '../src/transport/webtransport/server.ts';
import type { WebTransportSession } from '../src/transport/webtransport/session.ts';

export interface WebTransportBenchResult {
  readonly seconds: number;
  readonly mbps: number;
  readonly publishers: number;
  /** Emulated round-trip time (ms) on the publishers' receive side; 0 = loopback as is. */
  readonly rttMs: number;
  /** Steady window. */
  readonly serverCpuPercent: number;
  readonly serverCpuPercentPerPublisher: number;
  /** First window (right after the warm-up). */
  readonly firstCpuPercentPerPublisher: number;
  readonly steadyFromSeconds: number;
  readonly rssPerIdleSessionMb: number | undefined;
  readonly serverRssMbBefore: number;
  readonly serverRssMbAfter: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly framesSent: number;
  /** Frames whose bytes never reached the server (bytes short ÷ frame size, rounded up). */
  readonly framesLost: number;
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

export interface WebTransportBenchOptions {
  readonly seconds?: number;
  readonly mbps?: number;
  /** Concurrent publishers, each at `mbps`. Default 1. */
  readonly publishers?: number;
  /** Idle sessions opened first to measure server RSS per idle session. Default 0. */
  readonly idleSessions?: number;
  /** Publishing before the first CPU window opens (frames and bytes count from the start). Default 3. */
  readonly warmupSeconds?: number;
  /** Start of the steady CPU window, seconds after publishing started. Default 30. */
  readonly steadyFromSeconds?: number;
  /** Delay (ms) added to every datagram the publishers receive (see the file comment). Default 0. */
  readonly rttMs?: number;
}

let publisherDelayMs = 0;

/**
 * The publishers run in this process and the server in its own (never patched), so this delays
 * only the server → publisher direction: the round trip becomes `rttMs` + loopback's.
 */
function delayPublisherReceive(rttMs: number): void {
  if (publisherDelayMs === 0) {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with each connection as `this`
    const deliver = QuicConnection.prototype.receive;
    QuicConnection.prototype.receive = function delayed(this: QuicConnection, data: Buffer, host: string, port: number): void {
      setTimeout(() => deliver.call(this, data, host, port), publisherDelayMs);
    };
  }
  publisherDelayMs = rttMs;
}

const TICK_MS = 33; // ~30 video frames a second
const frameBytes = (mbps: number): number => Math.round((mbps * 1e6 * TICK_MS) / 8000);

async function publish(session: WebTransportSession, mbps: number, until: number): Promise<number> {
  const stream = await session.createUnidirectionalStream();
  const chunk = new Uint8Array(frameBytes(mbps));
  const started = performance.now();
  let sent = 0;
  for (let tick = 1; performance.now() < until; tick += 1) {
    await stream.write(chunk);
    sent += chunk.length;
    const wait = started + tick * TICK_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return sent;
}

const usage = async (child: ChildProcess): Promise<Extract<ServerMessage, { type: 'usage' }>> => {
  const message = await ask(child, 'usage', 'usage');
  if (message.type !== 'usage') throw new Error('no usage report');
  return message;
};

export async function run(options: WebTransportBenchOptions = {}): Promise<WebTransportBenchResult> {
  const { seconds = 10, mbps = 3, publishers = 1, idleSessions = 0, warmupSeconds = 3, steadyFromSeconds = 30, rttMs = 0 } = options;
  if (rttMs > 0) delayPublisherReceive(rttMs);
  const profile = process.env.WT_BENCH_PROFILE;
  // WT_BENCH_NODE_ARGS: extra V8/Node flags for the server only (e.g. "--trace-deopt").
  const extra = process.env.WT_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit', execArgv: [...extra, ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [])] });
  const ready = await ask(child, 'ready');
  if (ready.type !== 'ready') throw new Error('server did not start');
  const connect = (): Promise<WebTransportSession> => WebTransportClient.connect(`https://127.0.0.1:${ready.port}/ingest`, {
    serverCertificateHashes: [{ algorithm: 'sha-256', value: ready.sha256 }],
  });
  let rssPerIdleSessionMb: number | undefined;
  if (idleSessions > 0) {
    const base = await usage(child);
    const idle = await Promise.all(Array.from({ length: idleSessions }, connect));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    rssPerIdleSessionMb = Math.round(((await usage(child)).rss - base.rss) / idleSessions / 1e4) / 100;
    for (const session of idle) session.close();
    await Promise.all(idle.map((session) => session.closed));
  }
  const sessions = await Promise.all(Array.from({ length: publishers }, connect));
  const atStart = await usage(child);
  const publishing = performance.now();
  const endSeconds = Math.max(warmupSeconds, steadyFromSeconds) + seconds;
  const sending = Promise.all(sessions.map((session) => publish(session, mbps, publishing + endSeconds * 1000)));
  const at = async (second: number): Promise<{ usage: Extract<ServerMessage, { type: 'usage' }>; ms: number }> => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, publishing + second * 1000 - performance.now())));
    return { usage: await usage(child), ms: performance.now() };
  };
  // Each sample at its own time: with `--seconds` longer than the gap the two windows overlap.
  const [first0, first1, before] = await Promise.all([at(warmupSeconds), at(warmupSeconds + seconds), at(steadyFromSeconds)]);
  const first = [first0, first1] as const;
  const sent = await sending;
  await new Promise((resolve) => setTimeout(resolve, 200));
  const elapsedMs = performance.now() - before.ms;
  const after = await usage(child);
  for (const session of sessions) session.close();
  child.send('exit');
  await new Promise((resolve) => child.once('exit', resolve));
  const cpuPercent = ((after.cpuMicros - before.usage.cpuMicros) / 1000 / elapsedMs) * 100;
  const firstPercent = ((first[1].usage.cpuMicros - first[0].usage.cpuMicros) / 1000 / (first[1].ms - first[0].ms)) * 100;
  const bytesSent = sent.reduce((a, b) => a + b, 0);
  const bytesReceived = after.bytes - atStart.bytes;
  return {
    seconds: Math.round(elapsedMs / 100) / 10,
    mbps,
    publishers,
    rttMs,
    serverCpuPercent: Math.round(cpuPercent * 10) / 10,
    serverCpuPercentPerPublisher: Math.round((cpuPercent / publishers) * 100) / 100,
    firstCpuPercentPerPublisher: Math.round((firstPercent / publishers) * 100) / 100,
    steadyFromSeconds,
    serverRssMbBefore: Math.round(before.usage.rss / 1e5) / 10,
    serverRssMbAfter: Math.round(after.rss / 1e5) / 10,
    rssPerIdleSessionMb,
    bytesSent,
    bytesReceived,
    framesSent: bytesSent / frameBytes(mbps),
    framesLost: Math.ceil(Math.max(0, bytesSent - bytesReceived) / frameBytes(mbps)),
  };
}

if (process.argv.includes('--serve')) {
  await serve();
} else if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      mbps: { type: 'string', default: '3' },
      publishers: { type: 'string', default: '1' },
      idle: { type: 'string', default: '0' },
      warmup: { type: 'string', default: '3' },
      'steady-from': { type: 'string', default: '30' },
      rtt: { type: 'string', default: '0' },
    },
  });
  const result = await run({ seconds: Number(values.seconds), mbps: Number(values.mbps), publishers: Number(values.publishers), idleSessions: Number(values.idle), warmupSeconds: Number(values.warmup), steadyFromSeconds: Number(values['steady-from']), rttMs: Number(values.rtt) });
  const lines = [
    `WebTransport: ${result.publishers} publisher(s) at ${result.mbps} Mbit/s for ${result.seconds} s${result.rttMs > 0 ? `, ${result.rttMs} ms added round trip` : ''}`,
    `  server CPU, steady (from ${result.steadyFromSeconds} s): ${result.serverCpuPercent} % of one core (${result.serverCpuPercentPerPublisher} % per publisher)`,
    `  server CPU, first ${result.seconds} s after the warm-up: ${result.firstCpuPercentPerPublisher} % per publisher`,
    `  server RSS: ${result.serverRssMbBefore} MB before, ${result.serverRssMbAfter} MB after`,
    ...(result.rssPerIdleSessionMb === undefined ? [] : [`  server RSS per idle session: ${result.rssPerIdleSessionMb} MB`]),
    `  frames: ${result.framesSent} sent, ${result.framesLost} lost (bytes: ${result.bytesSent} sent, ${result.bytesReceived} received)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

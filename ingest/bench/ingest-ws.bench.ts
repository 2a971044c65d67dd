/**
 * WebSocket ingest benchmark (issue 4): N concurrent publishers (1, 10, 50) at 3 Mbit/s each for
 * ~10 s against the real WebSocket ingest in a child process. Prints server CPU (% of one core, in
 * all and per publisher), frames lost (sent by the publishers − counted by the server's relay
 * stand-in), server RSS per authenticated idle session (200 of them) and server RSS under load.
 *
 *   node ingest/bench/ingest-ws.bench.ts            # BENCH_SECONDS=10 BENCH_PUBLISHERS=1,10,50
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { micro, type FrameMessage } from '@streamhub/shared';
import { connectWebSocketPublisher } from '../src/cli/websocket-publisher.ts';
import type { PublisherConnection } from '../src/cli/publisher-connection.ts';
import { sampleTracks } from '../src/transport/session/testing/sample-messages.ts';
import type { BenchReply, BenchRequest } from './ingest-ws-server.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const COUNTS = (process.env.BENCH_PUBLISHERS ?? '1,10,50').split(',').map(Number);
const BITRATE = 3_000_000;
const FPS = 30;
const AUDIO_BYTES = 160; // 50 packets/s ≈ 64 kbit/s, like Opus
const KEY_EVERY = 60;
/** Non-key video frame size so that the average (keyframes 4×) makes BITRATE with the audio. */
const VIDEO_BYTES = Math.round((((BITRATE - AUDIO_BYTES * 8 * 50) / 8 / FPS) * KEY_EVERY) / (KEY_EVERY + 3));
const noise = randomFillSync(new Uint8Array(VIDEO_BYTES * 4));

type Sample = Extract<BenchReply, { type: 'sample' }>;

class BenchServer {
  readonly #child: ChildProcess;
  readonly #waiting: ((reply: BenchReply) => void)[] = [];

  constructor() {
    this.#child = fork(join(import.meta.dirname, 'ingest-ws-server.ts'), {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc'],
    });
    this.#child.on('message', (reply: BenchReply) => this.#waiting.shift()?.(reply));
  }

  next(): Promise<BenchReply> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async ask<T extends BenchReply['type']>(request: BenchRequest, type: T): Promise<Extract<BenchReply, { type: T }>> {
    const reply = this.next();
    this.#child.send(request);
    const answer = await reply;
    if (answer.type !== type) throw new Error(`bench server answered ${answer.type}, expected ${type}`);
    return answer as Extract<BenchReply, { type: T }>;
  }

  sample(): Promise<Sample> {
    return this.ask({ type: 'sample' }, 'sample');
  }

  stop(): void {
    this.#child.send({ type: 'stop' } satisfies BenchRequest);
  }
}

/** Frames of one 3 Mbit/s publisher due at `elapsedMs` since start, in timestamp order. */
class SyntheticStream {
  video = 0;
  audio = 0;

  due(elapsedMs: number): FrameMessage[] {
    const out: FrameMessage[] = [];
    for (;;) {
      const videoAt = (this.video * 1000) / FPS;
      const audioAt = this.audio * 20;
      const at = Math.min(videoAt, audioAt);
      if (at > elapsedMs) return out;
      if (videoAt <= audioAt) {
        const key = this.video % KEY_EVERY === 0;
        out.push({
          type: 'frame', trackId: 0, keyframe: key, timestamp: micro(Math.round(videoAt * 1000)), duration: micro(33_333),
          payload: noise.subarray(0, key ? VIDEO_BYTES * 4 : VIDEO_BYTES),
        });
        this.video += 1;
      } else {
        out.push({ type: 'frame', trackId: 1, keyframe: true, timestamp: micro(audioAt * 1000), duration: micro(20_000), payload: noise.subarray(0, AUDIO_BYTES) });
        this.audio += 1;
      }
    }
  }
}

async function publishAll(connections: PublisherConnection[], seconds: number): Promise<number> {
  const streams = connections.map(() => new SyntheticStream());
  for (const connection of connections) for (const track of sampleTracks) await connection.send(track);
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < seconds * 1000) {
    const elapsed = performance.now() - start;
    await Promise.all(connections.map(async (connection, index) => {
      for (const frame of streams[index]?.due(elapsed) ?? []) {
        await connection.send(frame);
        sent += 1;
      }
    }));
    await sleep(5);
  }
  return sent;
}

async function runRound(server: BenchServer, url: URL, count: number): Promise<string> {
  const { tokens } = await server.ask({ type: 'issue', count }, 'tokens');
  const before = await server.sample();
  const connections = await Promise.all(tokens.map((token) => connectWebSocketPublisher(url, token, {})));
  const busyStart = await server.sample();
  const wallStart = performance.now();
  const sent = await publishAll(connections, SECONDS);
  const busyEnd = await server.sample();
  const wallMs = performance.now() - wallStart;
  await Promise.all(connections.map((connection) => connection.goodbye('bench done', 5_000)));
  let after = await server.sample();
  for (let i = 0; i < 100 && after.connections > 0; i++) {
    await sleep(50);
    after = await server.sample();
  }
  const cpuPercent = ((busyEnd.cpuMicros - busyStart.cpuMicros) / 1000 / wallMs) * 100;
  const received = after.framesReceived - before.framesReceived;
  return [
    String(count).padStart(10),
    `${cpuPercent.toFixed(1)} %`.padStart(11),
    `${(cpuPercent / count).toFixed(2)} %`.padStart(15),
    String(sent - received).padStart(11),
    `${sent}`.padStart(11),
    `${(busyEnd.rssBytes / 1024 / 1024).toFixed(0)} MiB`.padStart(17),
    `${(busyEnd.heapUsedBytes / 1024 / 1024).toFixed(1)} MiB`.padStart(10),
    `${(busyEnd.externalBytes / 1024 / 1024).toFixed(1)} MiB`.padStart(14),
  ].join(' ');
}

/** Server RSS per authenticated but idle session, `count` of them. */
async function idleRssPerSession(server: BenchServer, url: URL, count: number): Promise<number> {
  const { tokens } = await server.ask({ type: 'issue', count }, 'tokens');
  const before = await server.sample();
  const connections = await Promise.all(tokens.map((token) => connectWebSocketPublisher(url, token, {})));
  await sleep(500);
  const idle = await server.sample();
  await Promise.all(connections.map((connection) => connection.goodbye('idle done', 5_000)));
  return (idle.rssBytes - before.rssBytes) / count;
}

const server = new BenchServer();
const ready = await server.next();
if (ready.type !== 'ready') throw new Error('bench server did not start');
const url = new URL(ready.url);
console.log(`WebSocket ingest, ${BITRATE / 1e6} Mbit/s per publisher (${FPS} fps video + audio), ${SECONDS} s per round, server in a child process`);
const IDLE = 200;
await idleRssPerSession(server, url, 20); // warm-up: pools, JIT, first allocations
console.log(`server RSS per idle session: ${((await idleRssPerSession(server, url, IDLE)) / 1024).toFixed(0)} KiB (${IDLE} authenticated idle WebSocket sessions)`);
console.log(' publishers  server CPU  CPU/publisher  frames lost  frames sent  server RSS (load)  heap used  external+bufs');
for (const count of COUNTS) console.log(await runRound(server, url, count));
server.stop();

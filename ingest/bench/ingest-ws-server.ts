/**
 * The server half of ingest-ws.bench.ts, run as a child process so its CPU time is measured alone:
 * the WebSocket ingest (real plugin, LiveHub, session layer) with an in-memory authority and a
 * relay stand-in that counts and drops frames. Talks to the parent over IPC.
 */
import type { IngestSessionHandler } from '../src/live/contracts.ts';
import { startIngestTestServer } from '../src/transport/websocket/testing/ws-ingest-harness.ts';

export type BenchRequest =
  | { readonly type: 'issue'; readonly count: number }
  | { readonly type: 'sample' }
  | { readonly type: 'stop' };

export type BenchReply =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'tokens'; readonly tokens: string[] }
  | {
    readonly type: 'sample';
    readonly cpuMicros: number;
    readonly rssBytes: number;
    readonly heapUsedBytes: number;
    readonly externalBytes: number;
    readonly framesReceived: number;
    readonly liveSessions: number;
    readonly connections: number;
  };

let framesReceived = 0;
let liveSessions = 0;
const countingRelay: IngestSessionHandler = async (session) => {
  liveSessions += 1;
  try {
    for await (const message of session.messages) if (message.type === 'frame') framesReceived += 1;
  } finally {
    liveSessions -= 1;
  }
};

const server = await startIngestTestServer({ handler: countingRelay, maxSessionsPerUser: 1_000 });
const reply = (message: BenchReply): void => {
  process.send?.(message);
};
let user = 0;
process.on('message', (request: BenchRequest) => {
  switch (request.type) {
    case 'issue':
      reply({ type: 'tokens', tokens: Array.from({ length: request.count }, () => server.authority.issue(`bench-${user++}`)) });
      break;
    case 'sample': {
      // Forked with --expose-gc: collect first so RSS shows what is live, not what awaits collection.
      (globalThis as { gc?: () => void }).gc?.();
      const cpu = process.cpuUsage();
      reply({
        type: 'sample', cpuMicros: cpu.user + cpu.system, rssBytes: process.memoryUsage.rss(), framesReceived,
        heapUsedBytes: process.memoryUsage().heapUsed, externalBytes: process.memoryUsage().external,
        liveSessions, connections: server.hub.connectionCount,
      });
      break;
    }
    case 'stop':
      void server.close().then(() => process.exit(0));
      break;
  }
});
reply({ type: 'ready', url: server.url });

import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireMessage } from '@streamhub/shared';
import { LiveHub } from '../live/live-hub.ts';
import { closeCodeFor } from '../transport/session/close-codes.ts';
import { MemoryIngestAuthority } from '../transport/session/testing/memory-ingest-authority.ts';
import { mintCertificate } from '../transport/certs/mint-certificate.ts';
import { WebTransportServer } from '../transport/webtransport/server.ts';
import type { WebTransportBidirectionalStream, WebTransportSession } from '../transport/webtransport/session.ts';
import { EXIT } from './publish-args.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, 'publish.ts');

/**
 * A minimal WebTransport → session-layer bridge for this test: the publisher's bidi streams are
 * the session's byte streams, and replies go down the first one. (The production bridge belongs
 * to transport/webtransport.)
 */
function bridge(session: WebTransportSession, hub: LiveHub): void {
  let control: WebTransportBidirectionalStream | undefined;
  async function* streams(): AsyncGenerator<AsyncIterable<Uint8Array>> {
    for await (const stream of session.incomingBidirectionalStreams) {
      control ??= stream;
      yield stream.readable;
    }
  }
  void hub.accept({
    transport: 'webtransport',
    source: { streams: streams() },
    send: (bytes) => void control?.write(bytes).catch(() => undefined),
    close: (code) => session.close({ code: closeCodeFor(code).webtransport, reason: code }),
  });
}

let dir = '';
let clip = '';
let server: WebTransportServer;
let hub: LiveHub;
const authority = new MemoryIngestAuthority();
const received: WireMessage[][] = [];
let hash = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'publish-wt-'));
  clip = join(dir, 'clip.mp4');
  await run('/usr/bin/ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30', '-t', '1',
    '-c:v', 'libx264', '-profile:v', 'baseline', '-bf', '0', '-g', '30', '-pix_fmt', 'yuv420p', clip,
  ]);
  hub = new LiveHub({
    authority, maxSessionsPerUser: 10,
    handler: async (session) => {
      const messages: WireMessage[] = [];
      received.push(messages);
      for await (const message of session.messages) messages.push(message);
    },
  });
  const cert = mintCertificate();
  hash = Buffer.from(cert.sha256).toString('hex');
  server = await WebTransportServer.listen({ host: '127.0.0.1', port: 0, path: '/ingest', certificate: cert });
  server.onSession((session) => bridge(session, hub));
});

afterAll(async () => {
  await hub.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const publish = (args: string[]): Promise<{ code: number | null; stdout: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout }));
  });

describe('publisher CLI over WebTransport', () => {
  it('publishes every frame over one bidi stream, pinned by the certificate hash', async () => {
    const url = `https://127.0.0.1:${server.port}/ingest`;
    const result = await publish(['--transport', 'webtransport', '--url', url, '--cert-hash', hash, `--token=${authority.issue('wt')}`, '--input', clip, '--progress', '0']);
    expect(result.code).toBe(EXIT.OK);
    expect(result.stdout).toMatch(/server received 30 frames/);
    await expect.poll(() => received[0]?.filter((m) => m.type === 'frame').length).toBe(30);
  });

  it('a reused token is refused over WebTransport too (exit 77), and a wrong hash cannot connect (exit 69)', async () => {
    const url = `https://127.0.0.1:${server.port}/ingest`;
    const token = authority.issue('wt2');
    void authority.consume(token);
    expect((await publish(['--transport', 'webtransport', '--url', url, '--cert-hash', hash, `--token=${token}`, '--input', clip])).code).toBe(EXIT.REFUSED);
    const wrong = 'ab'.repeat(32);
    expect((await publish(['--transport', 'webtransport', '--url', url, '--cert-hash', wrong, '--token', 't', '--input', clip])).code).toBe(EXIT.UNAVAILABLE);
  });
});

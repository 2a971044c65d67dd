import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { heapAfterGc } from '../../../test/fixtures/heap.ts';
import type { WireMessage } from '@streamhub/shared';
import { encodeMessage } from '@streamhub/shared/wire/encode';
import { closeCodeFor } from '../session/close-codes.ts';
import { hello, sampleFrames, sampleTracks } from '../session/testing/sample-messages.ts';
import { connectRaw, startIngestTestServer, type IngestTestServer, type RawClient } from './testing/ws-ingest-harness.ts';


let server: IngestTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface BadCase {
  readonly code: string;
  readonly send: (s: IngestTestServer, client: RawClient) => void;
}

const [firstFrame] = sampleFrames({ count: 1 });
const badCases: readonly BadCase[] = [
  { code: 'WIRE_UNKNOWN_TYPE', send: (_, c) => c.socket.send(Uint8Array.from([0, 0, 0, 2, 0xfe, 0])) },
  { code: 'WIRE_TOO_LARGE', send: (_, c) => c.socket.send(Uint8Array.from([0x7f, 0xff, 0xff, 0xff])) },
  { code: 'WIRE_EXPECTED_HELLO', send: (_, c) => c.socket.send(encodeMessage(firstFrame as WireMessage)) },
  { code: 'AUTH_TOKEN_INVALID', send: (_, c) => c.socket.send(encodeMessage(hello('forged'))) },
  { code: 'INGEST_BINARY_ONLY', send: (_, c) => c.socket.send('text') },
  { code: 'INGEST_HELLO_TIMEOUT', send: () => undefined },
  {
    code: 'AUTH_TOKEN_REUSED',
    send: (s, c) => {
      const token = s.authority.issue('flood-user');
      void s.authority.consume(token);
      c.socket.send(encodeMessage(hello(token)));
    },
  },
];

/** `count` concurrent bad sessions; resolves with the close codes in order. */
async function flood(s: IngestTestServer, count: number): Promise<{ expected: number[]; actual: number[] }> {
  const attempts = Array.from({ length: count }, async (_, index) => {
    const bad = badCases[index % badCases.length] as BadCase;
    const client = connectRaw(s.url);
    await client.opened;
    bad.send(s, client);
    const closed = await client.closed;
    return { expected: closeCodeFor(bad.code).websocket, actual: closed.code };
  });
  const results = await Promise.all(attempts);
  return { expected: results.map((r) => r.expected), actual: results.map((r) => r.actual) };
}

describe('WebSocket ingest under abuse', () => {
  it('a flood of 50 bad session attempts: each gets its code, a live session keeps streaming, heap returns near baseline', async () => {
    const s = await startIngestTestServer({ limits: { helloTimeoutMs: 300 } });
    server = s;
    await flood(s, 50); // warm-up: JIT, pools and buffers reach their steady size
    const baseline = await heapAfterGc();

    const live = connectRaw(s.url);
    await live.opened;
    live.socket.send(encodeMessage(hello(s.authority.issue('good-user'))));
    await live.next('hello-ok');
    const frames = sampleFrames({ count: 200, maxPayloadBytes: 16 * 1024, seed: 3 });
    const sending = (async () => {
      for (const message of [...sampleTracks, ...frames]) {
        live.socket.send(encodeMessage(message));
        await sleep(1);
      }
    })();

    for (let round = 0; round < 3; round++) {
      const { expected, actual } = await flood(s, 50);
      expect(actual).toEqual(expected);
    }
    await sending;
    live.socket.send(encodeMessage({ type: 'goodbye', reason: 'done' }));
    expect((await live.closed).code).toBe(1000);
    await expect.poll(() => s.hub.connectionCount).toBe(0);
    const good = s.sessions.find((session) => session.grant.userId === 'good-user');
    expect(good?.messages.length).toBe(sampleTracks.length + frames.length);

    s.sessions.length = 0; // the collected frames are the test's, not the server's
    const after = await heapAfterGc();
    // 150 more sessions must not leave per-session state behind; a leak of even 20 KB each shows.
    expect(after - baseline).toBeLessThan(3 * 1024 * 1024);
  });

  it('backpressure: a stalled relay stops the server reading, and nothing is lost when it resumes', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const received: WireMessage[] = [];
    const s = await startIngestTestServer({
      handler: async (session) => {
        await gate;
        for await (const message of session.messages) received.push(message);
      },
    });
    server = s;
    const client = connectRaw(s.url);
    await client.opened;
    client.socket.send(encodeMessage(hello(s.authority.issue('user-1'))));
    await client.next('hello-ok');
    const frames = sampleFrames({ count: 600, maxPayloadBytes: 1024 * 1024, seed: 9 });
    const sent = [...sampleTracks, ...frames].map((m) => encodeMessage(m));
    const total = sent.reduce((sum, bytes) => sum + bytes.byteLength, 0);
    for (const bytes of sent) client.socket.send(bytes);

    // Loopback drains tens of MB in well under a second; bytes still queued in the client after
    // that are bytes the server refused to read (socket paused, TCP window closed).
    await sleep(800);
    const stuck = client.socket.bufferedAmount;
    release(); // before the expects, so a failure never leaves the relay stalled
    expect(total).toBeGreaterThan(24 * 1024 * 1024);
    expect(stuck).toBeGreaterThan(total / 2);

    client.socket.send(encodeMessage({ type: 'goodbye', reason: 'done' }));
    await client.closed;
    await expect.poll(() => s.hub.connectionCount).toBe(0);
    expect(received).toHaveLength(sent.length);
    received.forEach((message, index) => {
      expect(Buffer.from(encodeMessage(message)).equals(Buffer.from(sent[index] as Uint8Array))).toBe(true);
    });
  });
});

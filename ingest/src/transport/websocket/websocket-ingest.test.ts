import { afterEach, describe, expect, it } from 'vitest';
import { micro, milli, type WireMessage } from '@streamhub/shared';
import { encodeMessage } from '@streamhub/shared/wire/encode';
import {
  concatBytes, hello, sampleFrames, sampleTracks, splitRandomly,
} from '../session/testing/sample-messages.ts';
import { closeCodeFor } from '../session/close-codes.ts';
import { connectRaw, startIngestTestServer, type IngestTestServer, type RawClient } from './testing/ws-ingest-harness.ts';

let server: IngestTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Parameters<typeof startIngestTestServer>[0] = {}): Promise<IngestTestServer> {
  server = await startIngestTestServer(options);
  return server;
}

/** Opens a client, sends hello with a fresh token for `userId`, waits for hello-ok. */
async function authenticated(s: IngestTestServer, userId = 'user-1'): Promise<RawClient> {
  const client = connectRaw(s.url);
  await client.opened;
  client.socket.send(encodeMessage(hello(s.authority.issue(userId))));
  await client.next('hello-ok');
  return client;
}

/** Expects the server to answer with `error` carrying `code`, then to close with its mapped code. */
async function expectClosedWith(client: RawClient, code: string): Promise<void> {
  const closed = await client.closed;
  expect(closed.code).toBe(closeCodeFor(code).websocket);
  expect(closed.reason).toBe(code);
  const error = client.received.find((m) => m.type === 'error');
  expect(error).toMatchObject({ type: 'error', code });
}

const sameMessage = (a: WireMessage, b: WireMessage): void => {
  expect(Buffer.from(encodeMessage(a)).equals(Buffer.from(encodeMessage(b)))).toBe(true);
};

describe('WebSocket ingest: the happy path', () => {
  it('delivers track and frame messages byte-exact and in order, whatever the WebSocket chunking', async () => {
    const s = await start();
    const client = await authenticated(s);
    const sent = [...sampleTracks, ...sampleFrames({ count: 300, maxPayloadBytes: 96 * 1024 })];
    const stream = concatBytes(sent.map((m) => encodeMessage(m)));
    for (const chunk of splitRandomly(stream, 50_000)) client.socket.send(chunk);
    const stats = encodeMessage({
      type: 'stats', sequence: 1, sentAt: milli(1234.5), newestCaptureTimestamp: micro(0), framesSent: 300, framesDropped: 0,
    });
    client.socket.send(stats);
    const ack = await client.next('ack');
    expect(ack).toMatchObject({ type: 'ack', sequence: 1, echoedSentAt: 1234.5, framesReceived: 300 });
    expect(ack.type === 'ack' && ack.bytesReceived).toBe(stream.byteLength + stats.byteLength + encodeMessage(hello('x'.repeat(36))).byteLength); // tokens: 'mem_' + 32 chars
    client.socket.send(encodeMessage({ type: 'goodbye', reason: 'done' }));
    expect((await client.closed).code).toBe(1000);
    await s.hub.close();
    const session = s.sessions[0];
    expect(session?.messages).toHaveLength(sent.length);
    sent.forEach((message, index) => sameMessage(session?.messages[index] as WireMessage, message));
    expect(s.outcomes[0]).toMatchObject({ code: 'INGEST_SESSION_ENDED', framesReceived: 300 });
  });

  it('answers hello with hello-ok carrying the session id and the size cap', async () => {
    const s = await start({ limits: { maxMessageBytes: 1024 * 1024 } });
    const client = await authenticated(s);
    expect(client.received[0]).toEqual({ type: 'hello-ok', sessionId: 'session-1', maxMessageBytes: 1024 * 1024 });
    client.socket.close();
  });
});

describe('WebSocket ingest: bad input closes with its code', () => {
  const raw = async (s: IngestTestServer, bytes: Uint8Array | string): Promise<RawClient> => {
    const client = connectRaw(s.url);
    await client.opened;
    client.socket.send(bytes);
    return client;
  };

  it('garbage bytes → WIRE_UNKNOWN_TYPE', async () => {
    const s = await start();
    await expectClosedWith(await raw(s, Uint8Array.from([0, 0, 0, 3, 0xee, 1, 2])), 'WIRE_UNKNOWN_TYPE');
  });

  it('an oversized length prefix → WIRE_TOO_LARGE at once, without waiting for (or allocating) the body', async () => {
    const s = await start();
    await expectClosedWith(await raw(s, Uint8Array.from([0xff, 0xff, 0xff, 0xf0])), 'WIRE_TOO_LARGE');
  });

  it('a frame before hello → WIRE_EXPECTED_HELLO', async () => {
    const s = await start();
    const [frame] = sampleFrames({ count: 1 });
    await expectClosedWith(await raw(s, encodeMessage(frame as WireMessage)), 'WIRE_EXPECTED_HELLO');
  });

  it('a wrong token → AUTH_TOKEN_INVALID, a reused one → AUTH_TOKEN_REUSED, an expired one → AUTH_TOKEN_EXPIRED', async () => {
    const s = await start();
    await expectClosedWith(await raw(s, encodeMessage(hello('not-a-token'))), 'AUTH_TOKEN_INVALID');
    const token = s.authority.issue('user-1');
    const first = await raw(s, encodeMessage(hello(token)));
    await first.next('hello-ok');
    await expectClosedWith(await raw(s, encodeMessage(hello(token))), 'AUTH_TOKEN_REUSED');
    await expectClosedWith(await raw(s, encodeMessage(hello(s.authority.issue('user-2', -1)))), 'AUTH_TOKEN_EXPIRED');
    first.socket.close();
  });

  it('a wrong protocol version → WIRE_BAD_VERSION, and the token stays unused', async () => {
    const s = await start();
    await expectClosedWith(await raw(s, encodeMessage(hello('whatever', 99))), 'WIRE_BAD_VERSION');
  });

  it('no hello within the timeout → INGEST_HELLO_TIMEOUT', async () => {
    const s = await start({ limits: { helloTimeoutMs: 150 } });
    const client = connectRaw(s.url);
    await expectClosedWith(client, 'INGEST_HELLO_TIMEOUT');
  });

  it('a text message → INGEST_BINARY_ONLY', async () => {
    const s = await start();
    await expectClosedWith(await raw(s, 'hello?'), 'INGEST_BINARY_ONLY');
  });

  it('a server-only message from the publisher → INGEST_UNEXPECTED_MESSAGE; garbage after hello → its wire code', async () => {
    const s = await start();
    const a = await authenticated(s);
    a.socket.send(encodeMessage({ type: 'ack', sequence: 1, echoedSentAt: milli(0), framesReceived: 0, bytesReceived: 0 }));
    await expectClosedWith(a, 'INGEST_UNEXPECTED_MESSAGE');
    const b = await authenticated(s);
    b.socket.send(encodeMessage(sampleFrames({ count: 1 })[0] as WireMessage));
    await expectClosedWith(b, 'WIRE_UNDECLARED_TRACK');
  });

  it('a WebSocket message above maxPayload is refused by ws (1009) before it is buffered, recorded as WIRE_TOO_LARGE', async () => {
    const s = await start({ limits: { maxMessageBytes: 64 * 1024 } });
    const client = await authenticated(s);
    client.socket.send(new Uint8Array(64 * 1024 + 5));
    expect((await client.closed).code).toBe(1009);
    await expect.poll(() => s.outcomes[0]?.code).toBe('WIRE_TOO_LARGE');
  });

  it('a publisher that stops answering pings → INGEST_KEEPALIVE_TIMEOUT', async () => {
    const s = await start({ pingIntervalMs: 100 });
    const client = connectRaw(s.url, { autoPong: false });
    await client.opened;
    client.socket.send(encodeMessage(hello(s.authority.issue('user-1'))));
    await expectClosedWith(client, 'INGEST_KEEPALIVE_TIMEOUT');
  });

  it('a handler that throws → INGEST_INTERNAL, and the server keeps serving', async () => {
    let calls = 0;
    const s = await start({
      handler: async (session) => {
        calls += 1;
        if (calls === 1) throw new Error('relay bug');
        for await (const _ of session.messages) { /* drain */ }
      },
    });
    await expectClosedWith(await authenticated(s), 'INGEST_INTERNAL');
    const ok = await authenticated(s);
    expect(ok.received[0]?.type).toBe('hello-ok');
    ok.socket.close();
  });
});

describe('WebSocket ingest: sessions and shutdown', () => {
  it('caps live sessions per user across the hub, and frees the slot when a session ends', async () => {
    const s = await start({ maxSessionsPerUser: 1 });
    const first = await authenticated(s, 'alice');
    const other = await authenticated(s, 'bob');
    const second = connectRaw(s.url);
    await second.opened;
    second.socket.send(encodeMessage(hello(s.authority.issue('alice'))));
    await expectClosedWith(second, 'INGEST_SESSION_LIMIT');
    expect(s.hub.sessionsOf('alice')).toBe(1);
    first.socket.close();
    await first.closed;
    await expect.poll(() => s.hub.sessionsOf('alice')).toBe(0);
    const third = await authenticated(s, 'alice');
    expect(third.received[0]?.type).toBe('hello-ok');
    third.socket.close();
    other.socket.close();
  });

  it('caps connections still in the hello phase (INGEST_BUSY); authenticated ones do not count', async () => {
    const s = await start({ maxPendingHandshakes: 2 });
    const live = await authenticated(s);
    const idle = [connectRaw(s.url), connectRaw(s.url)];
    await Promise.all(idle.map((c) => c.opened));
    await expect.poll(() => s.hub.connectionCount).toBe(3);
    const third = connectRaw(s.url);
    const closed = await third.closed;
    expect(closed).toEqual({ code: closeCodeFor('INGEST_BUSY').websocket, reason: 'INGEST_BUSY' });
    idle[0]?.socket.send(encodeMessage(hello(s.authority.issue('late'))));
    await idle[0]?.next('hello-ok');
    const fourth = await authenticated(s); // a slot was freed by the hello above
    expect(fourth.received[0]?.type).toBe('hello-ok');
    for (const c of [live, ...idle, fourth]) c.socket.close();
  });

  it('server shutdown tells publishers INGEST_SHUTTING_DOWN (1001 going away)', async () => {
    const s = await start();
    const client = await authenticated(s);
    await s.close();
    server = undefined;
    const closed = await client.closed;
    expect(closed.code).toBe(1001);
  });
});

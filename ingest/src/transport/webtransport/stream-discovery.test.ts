/**
 * Finding readable streams without quiche's `readable()` walk on every flush (quic-connection.ts):
 * the flush checks the streams it knows and the peer's next stream IDs, and a full walk at most
 * every FULL_WALK_MS finds the rest. These tests make the peer skip a stream ID, so only the full
 * walk can find the stream after it, then check that the skipped stream is still read later.
 */
import { afterEach, expect, it } from 'vitest';
import { H3ErrorCode } from '../h3/errors.ts';
import { StreamType } from '../h3/frames.ts';
import { concatBytes, encodeVarint } from '../h3/varint.ts';
import type { ClientConnection } from './client.ts';
import { FULL_WALK_MS } from './quic-connection.ts';
import { digestStream, openRawSession, payload, sha256Hex, startServer, type ServerFixture } from './test-fixtures.ts';

const fixtures: ServerFixture[] = [];
const connections: ClientConnection[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.quic.close(H3ErrorCode.NO_ERROR);
  await Promise.all(fixtures.splice(0).map((f) => f.server.close()));
});

async function open(): ReturnType<typeof openRawSession> {
  const f = await startServer();
  fixtures.push(f);
  const opened = await openRawSession(f);
  connections.push(opened.connection);
  return opened;
}

it('reads a stream whose bytes arrive while a lower-numbered stream of its type is still silent', async () => {
  const { connection, client, server } = await open();
  const incoming = server.incomingUnidirectionalStreams[Symbol.asyncIterator]();

  // The peer "opens" the next unidirectional ID and sends nothing on it (RFC 9000 §3.2 allows it).
  const skipped = connection.h3.allocateStreamId(false);
  const data = payload(40_000, 7);
  const started = performance.now();
  const uni = await client.createUnidirectionalStream();
  expect(uni.id).toBe(skipped + 4);
  await uni.write(data);
  await uni.close();

  const first = await incoming.next();
  expect(first.done).toBe(false);
  if (first.done === true) return;
  expect(await digestStream(first.value)).toEqual({ bytes: data.length, sha256: sha256Hex(data) });
  // Found by the periodic walk: within a few of its periods, not at the 30 s idle timeout.
  expect(performance.now() - started).toBeLessThan(10 * FULL_WALK_MS + 1_000);
});

it('still reads the skipped stream when its bytes come later', async () => {
  const { connection, client, server } = await open();
  const incoming = server.incomingUnidirectionalStreams[Symbol.asyncIterator]();
  const skipped = connection.h3.allocateStreamId(false);
  const later = await client.createUnidirectionalStream();
  await later.write(payload(1_000, 1));
  await later.close();
  const first = await incoming.next();
  if (first.done === true) throw new Error('no stream');
  await digestStream(first.value);

  // Now the skipped stream speaks: the WebTransport header (0x54, session ID) and data, then FIN.
  const data = payload(5_000, 2);
  const bytes = concatBytes([encodeVarint(StreamType.WEBTRANSPORT_UNI), encodeVarint(client.id), data]);
  expect(connection.quic.conn.streamSend(skipped, bytes, true)).toBe(bytes.length);
  connection.quic.sendNow();
  const second = await incoming.next();
  expect(second.done).toBe(false);
  if (second.done === true) return;
  expect(await digestStream(second.value)).toEqual({ bytes: data.length, sha256: sha256Hex(data) });
});

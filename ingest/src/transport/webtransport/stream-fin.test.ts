/**
 * A zero-length FIN (close() after the last write) must reach the peer even when the ACK for the
 * stream's data is processed before the next send: quiche 0.18 collects a send stream whose data is
 * all acknowledged once its final size is known, whether or not the FIN was sent
 * (cloudflare/quiche#2525). The test holds the client's incoming datagrams so that ACK is
 * processed right after close(), the order a loaded event loop produced in CI.
 */
import { afterEach, expect, it } from 'vitest';
import { H3ErrorCode } from '../h3/errors.ts';
import { digestStream, openRawSession, payload, sha256Hex, startServer, waitFor, type ServerFixture } from './test-fixtures.ts';

const fixtures: ServerFixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.server.close()));
});

it('delivers a FIN written after the data when the data ACK is processed before the next send', async () => {
  // A short idle timeout turns a lost FIN into a quick failure instead of a 60 s test timeout.
  const limits = { maxIdleTimeoutMs: 3_000 };
  const f = await startServer({ limits });
  fixtures.push(f);
  const { connection, client, server } = await openRawSession(f, limits);
  const received = (async () => {
    for await (const stream of server.incomingUnidirectionalStreams) return digestStream(stream);
    return undefined;
  })();

  // From here on the client's datagrams wait in `held` until the test releases them.
  const held: [Buffer, string, number][] = [];
  const deliver = connection.quic.receive.bind(connection.quic);
  connection.quic.receive = (data, host, port) => void held.push([data, host, port]);

  const data = payload(3_000, 5);
  const uni = await client.createUnidirectionalStream();
  await uni.write(data);
  await waitFor(() => server.stats().bytesReceived === data.length);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the server's delayed ACK (25 ms) is now held
  expect(held.length).toBeGreaterThan(0);

  const closing = uni.close();
  connection.quic.receive = deliver;
  for (const [datagram, host, port] of held.splice(0)) deliver(datagram, host, port);
  await closing;

  expect(await received).toEqual({ bytes: data.length, sha256: sha256Hex(data) });
  connection.quic.close(H3ErrorCode.NO_ERROR);
});

import { afterEach, describe, expect, it } from 'vitest';
import { WebTransportClient } from './client.ts';
import { digestStream, payload, sha256Hex, startServer, waitFor, type ServerFixture } from './test-fixtures.ts';

const fixtures: ServerFixture[] = [];
const start = async (options?: Parameters<typeof startServer>[0]): Promise<ServerFixture> => {
  const fixture = await startServer(options);
  fixtures.push(fixture);
  return fixture;
};
const hashes = (fixture: ServerFixture) => ({ serverCertificateHashes: [{ algorithm: 'sha-256' as const, value: fixture.cert.sha256 }] });

afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.server.close()));
});

describe('WebTransport server ↔ Node client (draft-ietf-webtrans-http3-02 over quiche)', () => {
  it('carries 5 MB on a uni stream byte-exact and echoes on a bidi stream', async () => {
    const f = await start();
    const client = await WebTransportClient.connect(f.url, hashes(f));
    const session = await f.nextSession();
    expect(session.path).toBe('/ingest');
    const received = (async () => {
      for await (const stream of session.incomingUnidirectionalStreams) return digestStream(stream);
      return undefined;
    })();
    void (async () => {
      for await (const bidi of session.incomingBidirectionalStreams) {
        for await (const chunk of bidi.readable) await bidi.write(chunk);
        await bidi.close();
      }
    })().catch(() => undefined);

    const data = payload(5_000_000);
    const uni = await client.createUnidirectionalStream();
    for (let offset = 0; offset < data.length; offset += 100_000) await uni.write(data.subarray(offset, offset + 100_000));
    await uni.close();
    expect(await received).toEqual({ bytes: data.length, sha256: sha256Hex(data) });
    expect(session.stats().bytesReceived).toBe(data.length);

    const bidi = await client.createBidirectionalStream();
    await bidi.write(new TextEncoder().encode('hello'));
    await bidi.close();
    const echoed = await digestStream(bidi.readable);
    expect(echoed).toEqual({ bytes: 5, sha256: sha256Hex(new TextEncoder().encode('hello')) });
    client.close({ code: 0, reason: '' });
  });

  it('lets the server open streams to the client too', async () => {
    const f = await start();
    const client = await WebTransportClient.connect(f.url, hashes(f));
    const session = await f.nextSession();
    const uni = await session.createUnidirectionalStream();
    const data = payload(200_000, 9);
    await uni.write(data);
    await uni.close();
    for await (const stream of client.incomingUnidirectionalStreams) {
      expect(await digestStream(stream)).toEqual({ bytes: data.length, sha256: sha256Hex(data) });
      break;
    }
    client.close();
  });

  it('delivers a client close (capsule code + reason) to the server and then closes the connection', async () => {
    const f = await start();
    const client = await WebTransportClient.connect(f.url, hashes(f));
    const session = await f.nextSession();
    client.close({ code: 4301, reason: 'token reused' });
    expect(await session.closed).toEqual({ code: 4301, reason: 'token reused' });
    await waitFor(() => f.server.stats().connections === 0);
  });

  it('delivers a server close to the client and then closes the connection', async () => {
    const f = await start();
    const client = await WebTransportClient.connect(f.url, hashes(f));
    const session = await f.nextSession();
    session.close({ code: 4201, reason: 'no hello' });
    expect(await client.closed).toEqual({ code: 4201, reason: 'no hello' });
    await waitFor(() => f.server.stats().connections === 0 && f.server.stats().sessions === 0);
  });

  it('applies backpressure: a consumer that does not read stalls the sender within the flow-control window', async () => {
    const window = 256 * 1024;
    const f = await start({ limits: { initialMaxStreamData: window, maxStreamWindow: window, initialMaxData: 4 * window, maxConnectionWindow: 4 * window } });
    const client = await WebTransportClient.connect(f.url, hashes(f));
    const session = await f.nextSession();
    const data = payload(4 * 1024 * 1024, 7);
    const uni = await client.createUnidirectionalStream();
    let accepted = 0;
    const writing = (async () => {
      for (let offset = 0; offset < data.length; offset += 16_384) {
        await uni.write(data.subarray(offset, offset + 16_384));
        accepted += 16_384;
      }
      await uni.close();
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(accepted).toBeLessThanOrEqual(window + 64 * 1024); // the stream window, not the 4 MB
    expect(session.stats().bytesReceived).toBe(0);
    for await (const stream of session.incomingUnidirectionalStreams) {
      expect(await digestStream(stream)).toEqual({ bytes: data.length, sha256: sha256Hex(data) });
      break;
    }
    await writing;
    expect(session.stats().bufferedBytes).toBe(0);
  });

  it('sends GOAWAY and closes every session on server.close()', async () => {
    const f = await start();
    const client = await WebTransportClient.connect(f.url, hashes(f));
    await f.nextSession();
    await f.server.close({ code: 4001, reason: 'shutting down' });
    expect(await client.closed).toEqual({ code: 4001, reason: 'shutting down' });
  });

  it('refuses a server whose certificate does not match the pinned hash', async () => {
    const f = await start();
    await expect(WebTransportClient.connect(f.url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: new Uint8Array(32) }] }))
      .rejects.toThrow(/serverCertificateHashes/);
    await waitFor(() => f.server.stats().connections === 0);
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireMessage } from '@streamhub/shared';
import { encodeMessage } from '@streamhub/shared/wire/encode';
import { WireDecoder } from '@streamhub/shared/wire/wire-decoder';
import { LiveHub } from '../live/live-hub.ts';
import { mintCertificate } from './certs/mint-certificate.ts';
import { closeCodeFor } from './session/close-codes.ts';
import { MemoryIngestAuthority } from './session/testing/memory-ingest-authority.ts';
import { concatBytes, hello, sampleFrames, sampleTracks } from './session/testing/sample-messages.ts';
import { attachWebTransportIngest } from './webtransport-ingest.ts';
import { WebTransportClient } from './webtransport/client.ts';
import { WebTransportServer } from './webtransport/server.ts';
import type { WebTransportBidirectionalStream } from './webtransport/session.ts';

const authority = new MemoryIngestAuthority();
const received = new Map<string, WireMessage[]>();
let hub: LiveHub;
let server: WebTransportServer;
let url = '';
let hash = '';

beforeAll(async () => {
  hub = new LiveHub({
    authority, maxSessionsPerUser: 4,
    handler: async (session) => {
      const messages: WireMessage[] = [];
      received.set(session.grant.sessionId, messages);
      for await (const message of session.messages) messages.push(message);
    },
  });
  const certificate = mintCertificate();
  hash = Buffer.from(certificate.sha256).toString('base64');
  server = await WebTransportServer.listen({ host: '127.0.0.1', port: 0, path: '/ingest', certificate });
  attachWebTransportIngest(server, hub);
  url = `https://127.0.0.1:${server.port}/ingest`;
});

afterAll(async () => {
  await server.close();
  await hub.close();
});

const digest = (parts: readonly Uint8Array[]): string => createHash('sha256').update(concatBytes(parts)).digest('hex');

/** Reads the server's control messages until `until` matches one. */
async function readUntil(stream: WebTransportBidirectionalStream, until: (m: WireMessage) => boolean): Promise<WireMessage[]> {
  const decoder = new WireDecoder();
  const seen: WireMessage[] = [];
  try {
    for await (const chunk of stream.readable) {
      for (const item of decoder.push(chunk)) {
        if (!item.ok) throw new Error(item.error.message);
        seen.push(item.message);
        if (until(item.message)) return seen;
      }
    }
  } catch {
    // Reset by the session close: `seen` says what arrived before it.
  }
  return seen;
}

describe('WebTransport → LiveHub bridge', () => {
  it("takes the studio's layout: hello on the bidi control stream, tracks + frames on a uni stream, replies on the control stream", async () => {
    const session = await WebTransportClient.connect(url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: hash }] });
    const control = await session.createBidirectionalStream();
    const replies = readUntil(control, (m) => m.type === 'hello-ok');
    await control.write(encodeMessage(hello(authority.issue('studio'))));
    expect((await replies).at(-1)?.type).toBe('hello-ok');

    const frames = sampleFrames({ count: 120, maxPayloadBytes: 16 * 1024 });
    const media = await session.createUnidirectionalStream();
    await media.write(concatBytes([...sampleTracks, ...frames].map((m) => encodeMessage(m))));
    await media.close();
    await control.write(encodeMessage({ type: 'goodbye', reason: 'done' }));
    const closed = await session.closed;
    expect(closed.code).toBe(closeCodeFor('INGEST_SESSION_ENDED').webtransport);

    const messages = [...received.values()].at(-1) ?? [];
    const got = messages.filter((m) => m.type === 'frame');
    expect(got).toHaveLength(frames.length);
    // Byte-exact (a digest: a diff of megabytes of payload would be unreadable).
    expect(digest(got.map((m) => m.payload))).toBe(digest(frames.map((m) => m.payload)));
    expect(messages.filter((m) => m.type === 'track')).toHaveLength(2);
  });

  it('a wrong token closes the session with its registry close code, and the server keeps serving', async () => {
    const session = await WebTransportClient.connect(url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: hash }] });
    const control = await session.createBidirectionalStream();
    const replies = readUntil(control, (m) => m.type === 'error');
    await control.write(encodeMessage(hello('mem_not-a-token')));
    expect((await replies).at(-1)).toMatchObject({ type: 'error', code: 'AUTH_TOKEN_INVALID' });
    expect((await session.closed).code).toBe(closeCodeFor('AUTH_TOKEN_INVALID').webtransport);
    await expect.poll(() => hub.connectionCount).toBe(0);
    expect(server.stats().sessions).toBe(0);
  });
});

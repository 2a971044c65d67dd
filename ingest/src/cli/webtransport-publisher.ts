import { WIRE_VERSION, type HelloOkMessage, type WireMessage } from '@streamhub/shared';
import { encodeMessage } from '@streamhub/shared/wire/encode';
import { WireDecoder } from '@streamhub/shared/wire/wire-decoder';
import { WebTransportClient } from '../transport/webtransport/client.ts';
import type { WebTransportBidirectionalStream, WebTransportSession } from '../transport/webtransport/session.ts';
import { codeForWebTransportClose } from '../transport/session/close-codes.ts';
import { PublishError, type PublisherConnection, type PublisherEvents } from './publisher-connection.ts';

const HELLO_TIMEOUT_MS = 10_000;

/** Reads the server's messages from the control stream; resolves when hello-ok arrives. */
function readControl(
  stream: WebTransportBidirectionalStream,
  events: PublisherEvents,
  onError: (error: PublishError) => void,
): Promise<HelloOkMessage | undefined> {
  return new Promise((resolve) => {
    const decoder = new WireDecoder();
    void (async () => {
      try {
        for await (const chunk of stream.readable) {
          for (const item of decoder.push(chunk)) {
            if (!item.ok) return onError(new PublishError(item.error.code, `the server sent an undecodable message: ${item.error.message}`));
            const message = item.message;
            if (message.type === 'hello-ok') resolve(message);
            else if (message.type === 'ack') events.onAck?.(message);
            else if (message.type === 'status') events.onStatus?.(message.json);
            else if (message.type === 'error') onError(new PublishError(message.code, message.reason));
          }
        }
      } catch {
        // A reset stream ends the session; `closed` reports why.
      } finally {
        resolve(undefined);
      }
    })();
  });
}

/**
 * Publisher side of the WebTransport ingest on the Node client of transport/webtransport: one
 * bidirectional stream carries everything (hello, track, frame, stats up; hello-ok, ack, error
 * down), so QUIC stream flow control is the backpressure and order is that of one stream.
 * The server certificate is pinned by its SHA-256 (`certificateHash`, base64 or hex), as a
 * browser does with `serverCertificateHashes`.
 */
export async function connectWebTransportPublisher(
  url: URL,
  token: string,
  events: PublisherEvents,
  certificateHash: string,
): Promise<PublisherConnection> {
  let session: WebTransportSession;
  try {
    session = await WebTransportClient.connect(url.href, { serverCertificateHashes: [{ algorithm: 'sha-256', value: certificateHash }] });
  } catch (error) {
    throw new PublishError('CONNECT_FAILED', `cannot open a WebTransport session to ${url.origin}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let failure: PublishError | undefined;
  const closed = session.closed.then((info) => {
    failure ??= new PublishError(codeForWebTransportClose(info.code) ?? 'CONNECT_FAILED', `session closed (${info.code} ${info.reason})`);
    return failure;
  });
  const control = await session.createBidirectionalStream();
  const gotHelloOk = readControl(control, events, (error) => {
    failure ??= error;
  });
  await control.write(encodeMessage({ type: 'hello', version: WIRE_VERSION, token }));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), HELLO_TIMEOUT_MS)));
  const first = await Promise.race([gotHelloOk, closed, timeout]);
  clearTimeout(timer);
  if (first === 'timeout' || first === undefined || first instanceof PublishError) {
    session.close({ code: 0, reason: 'no hello-ok' });
    throw first instanceof PublishError ? first : (failure ?? new PublishError('CONNECT_FAILED', 'no hello-ok from the server within 10 s'));
  }
  return {
    helloOk: first,
    get failure() {
      return failure;
    },
    closed,
    send: async (message: WireMessage) => {
      if (session.isClosed) return;
      await control.write(encodeMessage(message)).catch(() => undefined);
    },
    goodbye: async (reason, timeoutMs) => {
      if (!session.isClosed) await control.write(encodeMessage({ type: 'goodbye', reason })).catch(() => undefined);
      const kill = setTimeout(() => session.close({ code: 0, reason: 'goodbye timeout' }), timeoutMs);
      await closed;
      clearTimeout(kill);
    },
    close: () => session.close({ code: 0, reason: 'publisher closed' }),
  };
}

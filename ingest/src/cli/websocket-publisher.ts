import { WebSocket } from 'ws';
import { WIRE_VERSION, type HelloOkMessage, type WireMessage } from '@streamhub/shared';
import { encodeMessage } from '@streamhub/shared/wire/encode';
import { WireDecoder } from '@streamhub/shared/wire/wire-decoder';
import { codeForWebSocketClose } from '../transport/session/close-codes.ts';
import { PublishError, type PublisherConnection, type PublisherEvents } from './publisher-connection.ts';

/** Above this many unsent bytes `send` waits for the socket to drain (keeps sender memory bounded). */
const SEND_HIGH_WATER_BYTES = 4 * 1024 * 1024;

const HELLO_TIMEOUT_MS = 10_000;

/**
 * Publisher side of the WebSocket ingest: one wire message per WebSocket message (the server
 * accepts any chunking; this is the simplest valid one), hello first, then whatever is sent.
 */
export async function connectWebSocketPublisher(url: URL, token: string, events: PublisherEvents): Promise<PublisherConnection> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  const decoder = new WireDecoder();
  let failure: PublishError | undefined;
  let helloOk: ((message: HelloOkMessage) => void) | undefined;
  const gotHelloOk = new Promise<HelloOkMessage>((resolve) => (helloOk = resolve));

  socket.on('message', (data: Buffer) => {
    for (const item of decoder.push(data)) {
      if (!item.ok) {
        failure ??= new PublishError(item.error.code, `the server sent an undecodable message: ${item.error.message}`);
        socket.terminate();
        return;
      }
      const message = item.message;
      if (message.type === 'hello-ok') helloOk?.(message);
      else if (message.type === 'ack') events.onAck?.(message);
      else if (message.type === 'status') events.onStatus?.(message.json);
      else if (message.type === 'error') failure ??= new PublishError(message.code, message.reason);
    }
  });
  const closed = new Promise<PublishError>((resolve) => {
    socket.once('close', (code, reason) => {
      const registryCode = codeForWebSocketClose(code) ?? (code === 1000 ? 'INGEST_SESSION_ENDED' : 'CONNECT_FAILED');
      failure ??= new PublishError(registryCode, `connection closed (${code} ${reason.toString() || 'no reason'})`);
      resolve(failure);
    });
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', (error) => reject(new PublishError('CONNECT_FAILED', `cannot connect to ${url.origin}: ${error.message}`)));
  });
  socket.on('error', () => undefined);

  await opened;
  socket.send(encodeMessage({ type: 'hello', version: WIRE_VERSION, token }));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), HELLO_TIMEOUT_MS)));
  const first = await Promise.race([gotHelloOk, closed, timeout]);
  clearTimeout(timer);
  if (first === 'timeout') {
    socket.terminate();
    throw new PublishError('CONNECT_FAILED', 'no hello-ok from the server within 10 s');
  }
  if (first instanceof PublishError) throw first;

  const waitForDrain = async (): Promise<void> => {
    while (socket.bufferedAmount > SEND_HIGH_WATER_BYTES && socket.readyState === WebSocket.OPEN) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return {
    helloOk: first,
    get failure() {
      return failure;
    },
    closed,
    send: async (message: WireMessage) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(encodeMessage(message));
      await waitForDrain();
    },
    goodbye: async (reason, timeoutMs) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(encodeMessage({ type: 'goodbye', reason }));
      const kill = setTimeout(() => socket.terminate(), timeoutMs);
      await closed;
      clearTimeout(kill);
    },
    close: () => socket.close(1000),
  };
}

import { WireDecoder } from '@streamhub/shared/wire/wire-decoder';
import type { WireMessage } from '@streamhub/shared/wire/messages';
import type { IngestTarget } from '../studio-engine.ts';

/**
 * One connection to the ingest. WebTransport: a bidirectional stream carries control
 * (hello → hello-ok, stats → ack, status, error, goodbye) and ONE unidirectional stream carries
 * media (track + frame messages, in order, opened after hello-ok). WebSocket: every message is
 * one binary WebSocket message, both directions.
 */
export interface Connection {
  readonly kind: 'webtransport' | 'websocket';
  sendControl(bytes: Uint8Array): Promise<void>;
  /** Resolves when the bytes were handed to the network layer (backpressure). */
  sendMedia(bytes: Uint8Array): Promise<void>;
  /** Messages from the ingest, in order; ends when the connection ends. */
  readonly incoming: AsyncIterable<WireMessage>;
  /** Round-trip time from the transport's own statistics, where it has them. */
  rttMs(): Promise<number | null>;
  close(reason: string): void;
}

export type ConnectionOpener = (target: IngestTarget, timeoutMs: number) => Promise<Connection>;

function base64ToBytes(value: string): Uint8Array<ArrayBuffer> {
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => { reject(new Error(`${what} timed out after ${ms} ms`)); }, ms); });
  return Promise.race([promise, timeout]).finally(() => { clearTimeout(timer); });
}

async function* decodeStream(readable: ReadableStream<Uint8Array>): AsyncGenerator<WireMessage> {
  const decoder = new WireDecoder();
  const reader = readable.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const item of decoder.push(value)) {
        if (!item.ok) throw new Error(`${item.error.code}: ${item.error.message}`);
        yield item.message;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

export const openWebTransport: ConnectionOpener = async (target, timeoutMs) => {
  if (typeof WebTransport === 'undefined') throw new Error('WebTransport is not available');
  const transport = new WebTransport(target.webtransportUrl, {
    serverCertificateHashes: target.certificateHashes.map((h) => ({ algorithm: h.algorithm, value: base64ToBytes(h.value) })),
  });
  transport.closed.catch(() => undefined);
  try {
    await withTimeout(transport.ready, timeoutMs, 'WebTransport connect');
  } catch (error) {
    transport.close();
    throw error;
  }
  const control = await transport.createBidirectionalStream();
  const controlWriter = control.writable.getWriter();
  let mediaWriter: WritableStreamDefaultWriter<Uint8Array> | null = null;
  return {
    kind: 'webtransport',
    sendControl: (bytes) => controlWriter.write(bytes),
    async sendMedia(bytes) {
      mediaWriter ??= (await transport.createUnidirectionalStream()).getWriter();
      await mediaWriter.ready;
      await mediaWriter.write(bytes);
    },
    incoming: decodeStream(control.readable as ReadableStream<Uint8Array>),
    async rttMs() {
      // getStats() (WebTransport §6.11) is not in TypeScript's DOM lib yet.
      const withStats = transport as unknown as { getStats?: () => Promise<{ smoothedRtt?: number }> };
      const stats = withStats.getStats ? await withStats.getStats().catch(() => null) : null;
      return typeof stats?.smoothedRtt === 'number' ? stats.smoothedRtt : null;
    },
    close(reason) { transport.close({ closeCode: 0, reason }); },
  };
};

/** Holds media sends while more than this is buffered in the socket. */
const WS_HIGH_WATER_BYTES = 1024 * 1024;

export const openWebSocket: ConnectionOpener = async (target, timeoutMs) => {
  const socket = new WebSocket(target.websocketUrl);
  socket.binaryType = 'arraybuffer';
  await withTimeout(new Promise<void>((resolve, reject) => {
    socket.onopen = () => { resolve(); };
    socket.onerror = () => { reject(new Error('WebSocket connect failed')); };
  }), timeoutMs, 'WebSocket connect').catch((error: unknown) => { socket.close(); throw error; });
  const incoming = new ReadableStream<Uint8Array>({
    start(controller) {
      socket.onmessage = (event: MessageEvent<ArrayBuffer>) => { controller.enqueue(new Uint8Array(event.data)); };
      socket.onclose = () => { try { controller.close(); } catch { /* already closed */ } };
      socket.onerror = () => { try { controller.error(new Error('WebSocket error')); } catch { /* already closed */ } };
    },
  });
  const send = async (bytes: Uint8Array) => {
    if (socket.readyState !== WebSocket.OPEN) throw new Error('WebSocket is closed');
    socket.send(bytes);
  };
  return {
    kind: 'websocket',
    sendControl: send,
    async sendMedia(bytes) {
      while (socket.bufferedAmount > WS_HIGH_WATER_BYTES && socket.readyState === WebSocket.OPEN) {
        await new Promise((r) => setTimeout(r, 5));
      }
      await send(bytes);
    },
    incoming: decodeStream(incoming),
    rttMs: async () => null,
    close(reason) { socket.close(1000, reason.slice(0, 100)); },
  };
};

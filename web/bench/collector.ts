import { WebSocketServer, type WebSocket } from 'ws';
import { encodeMessage } from '@streamhub/shared/wire/encode';
import { WireDecoder } from '@streamhub/shared/wire/wire-decoder';

/** Receive times of video frames, to turn into glass-to-ingest latency once the clock origin is known. */
export interface FrameArrival { readonly timestampUs: number; readonly receivedEpochMs: number; readonly keyframe: boolean }

/**
 * A stand-in ingest for the benchmark: accepts the studio's WebSocket, answers hello and stats
 * with the real wire messages, and notes when each video frame arrives. Listens on port 0.
 */
export interface Collector {
  readonly url: string;
  readonly arrivals: FrameArrival[];
  audioFrames(): number;
  /** Frames of a track not declared by a `track` message first on that connection. */
  undeclaredFrames(): number;
  close(): Promise<void>;
}

export async function startCollector(): Promise<Collector> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => { server.once('listening', () => { resolve(); }); });
  const arrivals: FrameArrival[] = [];
  let audio = 0;
  let undeclared = 0;
  server.on('connection', (socket: WebSocket) => {
    const decoder = new WireDecoder();
    const declared = new Set<number>();
    socket.on('message', (data: Buffer) => {
      const receivedEpochMs = performance.timeOrigin + performance.now();
      for (const item of decoder.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))) {
        if (!item.ok) { socket.close(1002, item.error.code); return; }
        const m = item.message;
        if (m.type === 'hello') socket.send(encodeMessage({ type: 'hello-ok', sessionId: 'bench', maxMessageBytes: 8 << 20 }));
        if (m.type === 'stats') socket.send(encodeMessage({ type: 'ack', sequence: m.sequence, echoedSentAt: m.sentAt, framesReceived: arrivals.length, bytesReceived: 0 }));
        if (m.type === 'track') declared.add(m.trackId);
        if (m.type === 'frame' && !declared.has(m.trackId)) undeclared += 1;
        if (m.type === 'frame' && m.trackId === 0) arrivals.push({ timestampUs: m.timestamp, receivedEpochMs, keyframe: m.keyframe });
        if (m.type === 'frame' && m.trackId !== 0) audio += 1;
      }
    });
  });
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('collector has no address');
  return {
    url: `ws://127.0.0.1:${address.port}/ingest`,
    arrivals,
    audioFrames: () => audio,
    undeclaredFrames: () => undeclared,
    close: () => new Promise((resolve) => { server.close(() => { resolve(); }); }),
  };
}

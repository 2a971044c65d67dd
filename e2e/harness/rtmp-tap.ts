import { connect, createServer, type Socket } from 'node:net';

/** C0 + C1 + C2 of the RTMP handshake (RTMP spec 1.0 §5.2): 1 + 1536 + 1536 bytes from the client. */
const handshakeBytes = 1 + 1536 + 1536;
/** Message header sizes by chunk format 0–3 (RTMP spec 1.0 §5.3.1.2). */
const messageHeaderBytes = [11, 7, 3, 0] as const;
const setChunkSize = 1;
const videoMessage = 9;

interface ChunkStream { length: number; type: number; remaining: number; extended: boolean }

/**
 * Reads the publisher → server half of an RTMP connection chunk by chunk (RTMP spec 1.0 §5.3) and
 * reports the first video message holding an H.264 keyframe NALU: FLV VIDEODATA frame type 1 +
 * codec 7 (0x17), AVCPacketType 1 (FLV spec v10 §E.4.3.1) — the sequence header (type 0) is not one.
 */
class KeyframeSpotter {
  #buffer = Buffer.alloc(0);
  #skip = handshakeBytes;
  #chunkSize = 128; // RTMP spec 1.0 §5.4.1: until the peer's Set Chunk Size
  readonly #streams = new Map<number, ChunkStream>();

  /** Returns true once a keyframe message has started. */
  push(bytes: Buffer): boolean {
    const skip = Math.min(this.#skip, bytes.length);
    this.#skip -= skip;
    this.#buffer = Buffer.concat([this.#buffer, bytes.subarray(skip)]);
    for (;;) {
      const chunk = this.#next();
      if (chunk === undefined) return false;
      if (chunk === 'keyframe') return true;
    }
  }

  /** Consumes one whole chunk if buffered; undefined when more bytes are needed. */
  #next(): 'keyframe' | 'chunk' | undefined {
    const b = this.#buffer;
    if (b.length < 1) return undefined;
    const fmt = (b[0] ?? 0) >> 6;
    let csid = (b[0] ?? 0) & 0x3f;
    let at = 1;
    if (csid === 0) { csid = 64 + (b[1] ?? 0); at = 2; } else if (csid === 1) { csid = 64 + (b[1] ?? 0) + (b[2] ?? 0) * 256; at = 3; }
    const header = messageHeaderBytes[fmt] ?? 0;
    if (b.length < at + header) return undefined;
    const stream = this.#streams.get(csid) ?? { length: 0, type: 0, remaining: 0, extended: false };
    if (fmt <= 2) stream.extended = b.readUIntBE(at, 3) === 0xffffff;
    if (fmt <= 1) { stream.length = b.readUIntBE(at + 3, 3); stream.type = b[at + 6] ?? 0; }
    at += header + (stream.extended ? 4 : 0);
    const starts = fmt <= 2 || stream.remaining === 0;
    const remaining = starts ? stream.length : stream.remaining;
    const size = Math.min(this.#chunkSize, remaining);
    if (b.length < at + size) return undefined;
    const payload = b.subarray(at, at + size);
    this.#buffer = b.subarray(at + size);
    stream.remaining = remaining - size;
    this.#streams.set(csid, stream);
    if (starts && stream.type === setChunkSize && payload.length >= 4) this.#chunkSize = payload.readUInt32BE(0) & 0x7fffffff;
    return starts && stream.type === videoMessage && payload[0] === 0x17 && payload[1] === 0x01 ? 'keyframe' : 'chunk';
  }
}

export interface RtmpTap {
  /** Where the destination points instead of the receiver. */
  readonly port: number;
  /** `Date.now()` when the first keyframe's first chunk reached the RTMP server, if it has. */
  firstKeyframeAt(): number | undefined;
  close(): Promise<void>;
}

/**
 * A TCP pass-through in front of an RTMP server that notes when the first H.264 keyframe passes
 * from the publisher to the server: "the destination received a keyframe", measured on the wire.
 */
export async function startRtmpTap(targetPort: number): Promise<RtmpTap> {
  let keyframeAt: number | undefined;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => { client.destroy(); upstream.destroy(); });
      socket.on('close', () => { sockets.delete(socket); client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream);
    upstream.pipe(client);
    const spotter = new KeyframeSpotter();
    client.on('data', (bytes: Buffer) => {
      if (keyframeAt === undefined && spotter.push(bytes)) keyframeAt = Date.now();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('tap has no port');
  return {
    port: address.port,
    firstKeyframeAt: () => keyframeAt,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

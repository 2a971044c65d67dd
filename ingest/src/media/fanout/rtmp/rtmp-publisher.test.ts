import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeTag } from '../../flv/flv-tag-reader.ts';
import { decodeAmf0, encodeAmf0, type AmfValue } from './amf0.ts';
import { ChunkReader, encodeMessage } from './chunk-stream.ts';
import { RtmpPublisher } from './rtmp-publisher.ts';

const HANDSHAKE = 1536;

interface Received {
  /** Command names and media type ids in arrival order, e.g. `connect`, `publish`, `video`. */
  readonly events: string[];
  readonly commands: AmfValue[][];
  /** The publisher half-closed (FIN) before the socket closed, rather than resetting it. */
  ended: boolean;
  readonly closed: Promise<unknown>;
}

/**
 * The server side of an RTMP publish, as small as a test needs (RTMP 1.0 §5.2 handshake, §7.2.1.1
 * connect, §7.2.1.3 createStream, §7.2.2.6 publish answered with NetStream.Publish.Start): it
 * records every command and media message the publisher sends.
 */
function acceptOne(socket: Socket, received: Received): void {
  const reader = new ChunkReader();
  let handshake: Buffer | null = Buffer.alloc(0);
  let chunkSize = 128;
  const reply = (streamId: number, ...values: AmfValue[]): void => {
    const result = { typeId: 20, streamId, timestamp: 0, payload: encodeAmf0(...values) };
    if (chunkSize === 128) {
      // As nginx-rtmp and the platforms do: Set Chunk Size (§5.4.1) and connect's _result, longer
      // than 128 bytes, in one segment, so the publisher must apply the new size mid-buffer.
      chunkSize = 4096;
      const size = Buffer.alloc(4);
      size.writeUInt32BE(chunkSize);
      socket.write(Buffer.concat([encodeMessage(2, { typeId: 1, streamId: 0, timestamp: 0, payload: size }, 128), encodeMessage(3, result, chunkSize)]));
    } else socket.write(encodeMessage(3, result, chunkSize));
  };
  socket.on('end', () => { received.ended = true; });
  socket.on('data', (data: Buffer) => { 
    if (handshake) {
      handshake = Buffer.concat([handshake, data]);
      if (handshake.length === 1 + HANDSHAKE) socket.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(HANDSHAKE), handshake.subarray(1)]));
      if (handshake.length < 1 + 2 * HANDSHAKE) return;
      data = handshake.subarray(1 + 2 * HANDSHAKE);
      handshake = null;
    }
    for (const message of reader.push(data)) {
      if (message.typeId === 9) received.events.push('video');
      else if (message.typeId === 20) {
        const command = decodeAmf0(message.payload);
        received.commands.push(command);
        received.events.push(typeof command[0] === 'string' ? command[0] : '?');
        const [name, transaction] = command;
        if (name === 'connect') {
          reply(0, '_result', transaction, { fmsVer: 'FMS/3,5,7,7009', capabilities: 31, mode: 1 },
            { level: 'status', code: 'NetConnection.Connect.Success', description: 'Connection succeeded.', objectEncoding: 0 });
        }
        else if (name === 'createStream') reply(0, '_result', transaction, null, 1);
        else if (name === 'publish') reply(1, 'onStatus', 0, null, { level: 'status', code: 'NetStream.Publish.Start' });
      }
    }
  });
}

let server: Server | undefined;

afterEach(async () => {
  if (server) await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function publishTo(): Promise<{ publisher: RtmpPublisher; received: Received; socket: Socket }> {
  let accepted: (socket: Socket) => void = () => undefined;
  const socketPromise = new Promise<Socket>((resolve) => { accepted = resolve; });
  server = createServer((socket) => accepted(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const connecting = RtmpPublisher.connect(`rtmp://127.0.0.1:${port}/live/secret-key-5678`, { timeoutMs: 5_000, chunkSize: 4096 });
  const socket = await socketPromise;
  const received: Received = { events: [], commands: [], ended: false, closed: once(socket, 'close') };
  socket.on('error', () => undefined);
  acceptOne(socket, received);
  return { publisher: await connecting, received, socket };
}

describe('RtmpPublisher', () => {
  it('end(): sends what was queued, then FCUnpublish and deleteStream, then a FIN', async () => {
    const { publisher, received } = await publishTo();
    publisher.send([{ tag: describeTag(9, 0, Buffer.from([0x17, 0x01, 0, 0, 0, 0, 0, 0, 2, 0x65, 0x88])), timestamp: 0 }]);
    publisher.end();
    await received.closed;
    expect(received.events).toEqual(['connect', 'releaseStream', 'FCPublish', 'createStream', 'publish', 'video', 'FCUnpublish', 'deleteStream']);
    expect(received.commands.find((c) => c[0] === 'FCUnpublish')?.[3]).toBe('secret-key-5678');
    expect(received.commands.find((c) => c[0] === 'deleteStream')?.[3]).toBe(1); // the stream id createStream gave
    expect(received.ended).toBe(true);
  });

  it('close(): drops the connection without unpublishing (a stalled destination about to reconnect)', async () => {
    const { publisher, received } = await publishTo();
    publisher.close();
    await received.closed;
    expect(received.events).toEqual(['connect', 'releaseStream', 'FCPublish', 'createStream', 'publish']);
  });

  it('end() after the destination dropped the connection only releases the socket', async () => {
    const { publisher, received, socket } = await publishTo();
    const lost = new Promise((resolve) => publisher.onClose(resolve));
    socket.destroy();
    await expect(lost).resolves.toMatchObject({ code: 'RELAY_DESTINATION_CLOSED' });
    expect(() => publisher.end()).not.toThrow();
    expect(received.events).toEqual(['connect', 'releaseStream', 'FCPublish', 'createStream', 'publish']);
  });
});

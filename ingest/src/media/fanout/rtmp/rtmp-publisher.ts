import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { connect as tlsConnect, rootCertificates } from 'node:tls';
import { RelayError } from '../../relay-error.ts';
import type { FlvTag } from '../../flv/flv-tag-reader.ts';
import { decodeAmf0, encodeAmf0, type AmfValue } from './amf0.ts';
import { ChunkReader, encodeMessage, encodeMessageParts, type RtmpMessage } from './chunk-stream.ts';
import { parseRtmpUrl, type RtmpTarget } from './rtmp-url.ts';

/** RTMP Specification 1.0 message type ids (§5.4, §6.2, §7.1). */
const MSG = { setChunkSize: 1, ack: 3, userControl: 4, windowAckSize: 5, setPeerBandwidth: 6, command: 20 } as const;
/** Chunk stream ids: 2 protocol control (§5.4), the rest by convention (as FFmpeg and OBS use them). */
const CSID = { control: 2, command: 3, audio: 4, data: 5, video: 6 } as const;
const HANDSHAKE_SIZE = 1536;

export interface RtmpPublisherOptions {
  /** Whole connect + handshake + publish must finish within this. */
  readonly timeoutMs: number;
  /** Outgoing chunk size (§5.4.1); large chunks mean few headers (FFmpeg's client uses 128). */
  readonly chunkSize: number;
  /**
   * rtmps:// only: extra CA certificates (PEM) trusted besides Node's bundled roots. The server
   * certificate and host name are always verified (the platforms' certificates chain to public roots).
   */
  readonly extraCa?: readonly string[];
}

/** OpenSSL verification failures Node reports as `error.code` (tls.TLSSocket 'error'). */
const TLS_VERIFY_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID/;

/** Most bytes held corked for one burst (a 1080p keyframe with its audio is ~100–200 KB). */
const CORK_LIMIT_BYTES = 256 * 1024;
/** After `end()`, a destination that does not close its side is cut off this much later. */
const END_GRACE_MS = 2_000;

/** An AMF0 command message (§7.1.1) on the command chunk stream. */
function commandMessage(chunkSize: number, streamId: number, name: string, transaction: number, ...args: AmfValue[]): Buffer {
  const payload = encodeAmf0(name, transaction, ...args);
  return encodeMessage(CSID.command, { typeId: MSG.command, streamId, timestamp: 0, payload }, chunkSize);
}

/** One publishing RTMP(S) connection. Created by `RtmpPublisher.connect`; never logs (the URL is secret). */
export class RtmpPublisher {
  readonly #socket: Socket;
  readonly #chunkSize: number;
  readonly #streamId: number;
  /** The stream key (secret): sent to the destination only, in publish and FCUnpublish. */
  readonly #streamName: string;
  /** The socket is corked for the current burst (see `send`), holding this many bytes. */
  #corked = false;
  #corkedBytes = 0;
  #closed = false;
  #endReason: RelayError | null = null;
  #closeListener: ((error: RelayError) => void) | null = null;

  private constructor(socket: Socket, chunkSize: number, streamId: number, streamName: string) {
    this.#socket = socket;
    this.#chunkSize = chunkSize;
    this.#streamId = streamId;
    this.#streamName = streamName;
    socket.on('error', (error: NodeJS.ErrnoException) => this.#end(new RelayError('RELAY_DESTINATION_CLOSED', `Connection lost (${error.code ?? 'error'}).`)));
    socket.on('close', () => this.#end(new RelayError('RELAY_DESTINATION_CLOSED', 'The destination closed the connection.')));
  }

  #end(error: RelayError): void {
    if (this.#endReason) return;
    this.#endReason = error;
    if (!this.#closed) this.#closeListener?.(error);
  }

  /** Connects, handshakes and publishes; rejects with a RelayError whose message holds no URL or key. */
  static async connect(url: string, options: RtmpPublisherOptions): Promise<RtmpPublisher> {
    const target = parseRtmpUrl(url);
    const socket = target.secure
      // SNI carries host names only (RFC 6066 §3); rejectUnauthorized stays at its default, true.
      ? tlsConnect({ host: target.host, port: target.port, ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
        ...(options.extraCa && options.extraCa.length > 0 ? { ca: [...rootCertificates, ...options.extraCa] } : {}) })
      : tcpConnect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    const session = new PublishHandshake(socket, target, options.chunkSize);
    const timer = setTimeout(() => session.fail(new RelayError('RELAY_DESTINATION_TIMEOUT', `No answer from ${target.host}:${target.port} within ${options.timeoutMs} ms.`)), options.timeoutMs);
    try {
      const streamId = await session.run();
      return new RtmpPublisher(socket, options.chunkSize, streamId, target.streamName);
    } catch (error) {
      socket.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
      // The handshake keeps reading after publish: it answers pings and acknowledgements (§5.4.3, §7.1.7).
      session.detach(['data']);
    }
  }

  /** Bytes queued in Node, not yet taken by the kernel (this burst's corked bytes are on their way, not a backlog). */
  get pendingBytes(): number {
    return Math.max(0, this.#socket.writableLength - this.#corkedBytes);
  }

  /** Bytes handed to the kernel so far. */
  get bytesFlushed(): number {
    return this.#socket.bytesWritten - this.#socket.writableLength;
  }

  /**
   * Sends FLV tags (timestamps already rebased) as corked writes of headers and views into the
   * tags' payloads (no copy); `onFlushed` runs when the kernel has all of it. The socket is
   * uncorked on the next tick, so every `send` of one burst (a video frame and the audio the
   * publisher sent with it arrive in one turn of the event loop) leaves in ONE `writev`, with no
   * added delay; or as soon as CORK_LIMIT_BYTES are held, so a flood (a backlog arriving at once)
   * still reaches the kernel, and the queue limits see the socket's real backlog.
   */
  send(tags: readonly { tag: FlvTag; timestamp: number }[], onFlushed?: () => void): number {
    if (this.#closed || tags.length === 0) return 0;
    const parts: Buffer[] = [];
    for (const { tag, timestamp } of tags) {
      // Script data goes out as `@setDataFrame` + the FLV body, as FFmpeg and OBS publish metadata.
      const payload = tag.kind === 'script' ? Buffer.concat([encodeAmf0('@setDataFrame'), tag.data]) : tag.data;
      const csid = tag.kind === 'audio' ? CSID.audio : tag.kind === 'video' ? CSID.video : CSID.data;
      for (const part of encodeMessageParts(csid, { typeId: tag.typeId, streamId: this.#streamId, timestamp, payload }, this.#chunkSize)) parts.push(part);
    }
    const socket = this.#socket;
    let bytes = 0;
    if (!this.#corked) {
      this.#corked = true;
      socket.cork();
      process.nextTick(this.#uncork);
    }
    const last = parts.length - 1;
    for (let i = 0; i < last; i++) {
      const part = parts[i];
      if (part) { bytes += part.length; socket.write(part); }
    }
    const final = parts[last] ?? Buffer.alloc(0);
    bytes += final.length;
    socket.write(final, onFlushed);
    this.#corkedBytes += bytes;
    if (this.#corkedBytes >= CORK_LIMIT_BYTES) this.#uncork();
    return bytes;
  }

  /** Hands this burst's corked bytes to the socket now (before draining or waiting on `pendingBytes`). */
  flush(): void {
    this.#uncork();
  }

  readonly #uncork = (): void => {
    if (!this.#corked) return;
    this.#corked = false;
    this.#corkedBytes = 0;
    this.#socket.uncork();
  };

  /** Registers the end of the connection (peer closed, reset, …); fires once, never after `close()`. */
  onClose(listener: (error: RelayError) => void): void {
    this.#closeListener = listener;
    if (this.#endReason && !this.#closed) listener(this.#endReason);
  }

  /** Drops the connection at once (a stalled or failed destination, before reconnecting). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
  }

  /**
   * Ends the broadcast the way OBS and FFmpeg's client do: FCUnpublish (FMLE's command, answering
   * FCPublish) and deleteStream (§7.2.2.3), after everything already sent, then a TCP FIN. The
   * destination then sees the end of the stream instead of a lost connection, which platforms
   * tell apart. Cut off after END_GRACE_MS if the destination keeps its side open.
   */
  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    const socket = this.#socket;
    if (this.#endReason !== null || !socket.writable) { socket.destroy(); return; }
    this.#uncork();
    socket.write(commandMessage(this.#chunkSize, 0, 'FCUnpublish', 6, null, this.#streamName));
    socket.write(commandMessage(this.#chunkSize, 0, 'deleteStream', 7, null, this.#streamId));
    socket.end();
    setTimeout(() => socket.destroy(), END_GRACE_MS).unref();
  }
}

/** The client side of §5.2 (handshake) and §7.2.1.1 connect / §7.2.2.6 publish, as a small state machine. */
class PublishHandshake {
  readonly #socket: Socket;
  readonly #target: RtmpTarget;
  readonly #chunkSize: number;
  readonly #reader = new ChunkReader();
  #handshake: Buffer | null = Buffer.alloc(0);
  #bytesIn = 0;
  #windowAckSize = 2_500_000;
  #lastAck = 0;
  #resolve: (streamId: number) => void = () => undefined;
  #reject: (error: RelayError) => void = () => undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter listener signature
  readonly #listeners: [string, (...args: any[]) => void][] = [];

  constructor(socket: Socket, target: RtmpTarget, chunkSize: number) {
    this.#socket = socket;
    this.#target = target;
    this.#chunkSize = chunkSize;
  }

  run(): Promise<number> {
    const done = new Promise<number>((resolve, reject) => { this.#resolve = resolve; this.#reject = reject; });
    this.#on(this.#target.secure ? 'secureConnect' : 'connect', () => this.#sendC0C1());
    this.#on('data', (data: Buffer) => { try { this.#onData(data); } catch (error) { this.fail(asRelayError(error)); } });
    this.#on('error', (error: NodeJS.ErrnoException) => this.fail(this.#connectError(error)));
    this.#on('close', () => this.fail(new RelayError('RELAY_DESTINATION_CLOSED', 'The destination closed the connection during setup.')));
    return done;
  }

  #connectError(error: NodeJS.ErrnoException): RelayError {
    const where = `${this.#target.host}:${this.#target.port}`;
    if (error.code === 'ECONNREFUSED') return new RelayError('RELAY_DESTINATION_REFUSED', `${where} refused the connection.`);
    if (this.#target.secure && TLS_VERIFY_CODES.test(error.code ?? '')) {
      return new RelayError('RELAY_DESTINATION_CLOSED', `The TLS certificate of ${where} is not trusted (${error.code ?? 'error'}).`);
    }
    return new RelayError('RELAY_DESTINATION_CLOSED', `Connection to ${where} failed (${error.code ?? 'error'}).`);
  }

  fail(error: RelayError): void {
    this.#reject(error);
    // After publish, a protocol error ends the connection (the publisher then reports it as closed).
    if (this.#published) this.#socket.destroy();
  }

  /** Removes the setup listeners, except those named in `keep`. */
  detach(keep: readonly string[] = []): void {
    for (const [event, listener] of this.#listeners) if (!keep.includes(event)) this.#socket.off(event, listener);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter listener signature
  #on(event: string, listener: (...args: any[]) => void): void {
    this.#listeners.push([event, listener]);
    this.#socket.on(event, listener);
  }

  #sendC0C1(): void {
    // §5.2.2 C0 = version 3; §5.2.3 C1 = time (4), zero (4), random (1528).
    const c1 = randomBytes(HANDSHAKE_SIZE);
    c1.writeUInt32BE(0, 0);
    c1.writeUInt32BE(0, 4);
    this.#socket.write(Buffer.concat([Buffer.from([3]), c1]));
  }

  #onData(data: Buffer): void {
    this.#bytesIn += data.length;
    if (this.#handshake) {
      this.#handshake = Buffer.concat([this.#handshake, data]);
      if (this.#handshake.length < 1 + 2 * HANDSHAKE_SIZE) return;
      const s1 = this.#handshake.subarray(1, 1 + HANDSHAKE_SIZE);
      const rest = this.#handshake.subarray(1 + 2 * HANDSHAKE_SIZE);
      this.#handshake = null;
      // §5.2.4 C2 echoes S1.
      this.#socket.write(s1);
      this.#sendControl(MSG.setChunkSize, this.#chunkSize);
      this.#command('connect', 1, { app: this.#target.app, type: 'nonprivate', flashVer: 'FMLE/3.0 (compatible; FMSc/1.0)', tcUrl: this.#target.tcUrl });
      if (rest.length === 0) return;
      data = rest;
    }
    for (const message of this.#reader.push(data)) this.#onMessage(message);
    if (this.#bytesIn - this.#lastAck >= this.#windowAckSize) {
      this.#lastAck = this.#bytesIn;
      this.#sendControl(MSG.ack, this.#bytesIn >>> 0);
    }
  }

  #onMessage(message: RtmpMessage): void {
    // Set Chunk Size is applied by the ChunkReader itself, before the next chunk is read.
    if (message.typeId === MSG.windowAckSize) this.#windowAckSize = message.payload.readUInt32BE(0);
    else if (message.typeId === MSG.userControl && message.payload.readUInt16BE(0) === 6) {
      // §7.1.7 PingRequest (6) → PingResponse (7) with the same timestamp.
      const pong = Buffer.alloc(6);
      pong.writeUInt16BE(7, 0);
      message.payload.copy(pong, 2, 2, 6);
      this.#socket.write(encodeMessage(CSID.control, { typeId: MSG.userControl, streamId: 0, timestamp: 0, payload: pong }, this.#chunkSize));
    } else if (message.typeId === MSG.command) this.#onCommand(decodeAmf0(message.payload));
  }

  #onCommand(values: AmfValue[]): void {
    const [name, transaction] = values;
    if (name === '_error') { this.fail(new RelayError('RELAY_DESTINATION_REJECTED', `The destination rejected ${transaction === 1 ? 'the connection' : 'the stream'}.`)); return; }
    if (name === '_result' && transaction === 1) {
      const stream = this.#target.streamName;
      this.#command('releaseStream', 2, null, stream);
      this.#command('FCPublish', 3, null, stream);
      this.#command('createStream', 4, null);
    } else if (name === '_result' && transaction === 4) {
      const streamId = typeof values[3] === 'number' ? values[3] : 1;
      this.#pendingStreamId = streamId;
      this.#command('publish', 5, null, this.#target.streamName, 'live');
    } else if (name === 'onStatus') {
      const info = values[3];
      const code = info && typeof info === 'object' && !Array.isArray(info) ? info.code : undefined;
      if (code === 'NetStream.Publish.Start') { this.#published = true; this.#resolve(this.#pendingStreamId); }
      else if (typeof code === 'string' && /Publish\.(BadName|Failed|Rejected)|Failed|Error/i.test(code)) {
        this.fail(new RelayError('RELAY_DESTINATION_REJECTED', `The destination rejected the stream (${code}).`));
      }
    }
  }

  #pendingStreamId = 1;
  #published = false;

  #sendControl(typeId: number, value: number): void {
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(value);
    this.#socket.write(encodeMessage(CSID.control, { typeId, streamId: 0, timestamp: 0, payload }, 128));
  }

  #command(name: string, transaction: number, ...args: AmfValue[]): void {
    const streamId = name === 'publish' ? this.#pendingStreamId : 0;
    this.#socket.write(commandMessage(this.#chunkSize, streamId, name, transaction, ...args));
  }
}

function asRelayError(error: unknown): RelayError {
  return error instanceof RelayError ? error : new RelayError('RELAY_DESTINATION_CLOSED', `Protocol error: ${error instanceof Error ? error.message : 'unknown'}.`);
}

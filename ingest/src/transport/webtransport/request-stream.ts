/**
 * An HTTP/3 request stream carrying an extended CONNECT (RFC 9220 §3, RFC 9114 §4.4): HEADERS,
 * then the capsule protocol inside DATA frames (RFC 9297 §3.1) for the life of the WebTransport
 * session (draft-ietf-webtrans-http3-02 §3, §5). Serves both roles: the server answers the
 * request, the client sends it.
 */
import { CapsuleType, decodeCloseSession, readCapsule } from '../h3/capsules.ts';
import { H3Error, H3ErrorCode } from '../h3/errors.ts';
import { encodeFrame, FrameReader, FrameType } from '../h3/frames.ts';
import { decodeFieldSection, encodeFieldSection, type HeaderField } from '../h3/qpack.ts';
import { concatBytes } from '../h3/varint.ts';
import { Shutdown } from './quic-connection.ts';
import { WebTransportSession, type SessionHost } from './session.ts';
import { drainStream, type DrainResult } from './stream-reading.ts';
import { QuicSendSide } from './streams.ts';

/** What a request stream needs from its HTTP/3 connection. */
export interface RequestHost extends SessionHost {
  readonly role: 'server' | 'client';
  readonly goingAway: boolean;
  readonly sessionCount: number;
  addSession(session: WebTransportSession): void;
  connectStreamDone(): void;
}

export interface RequestStreamOwner {
  /** Server role: the HTTP status for an extended CONNECT (200 accepts it). */
  admit(headers: readonly HeaderField[], h3: RequestHost): number;
  /** A session was established on this stream (both roles). */
  sessionOpened(session: WebTransportSession): void;
  /** Client role: the server refused (status) or the stream/connection died first (0). */
  rejected(status: number): void;
}

export interface RequestStreamInit {
  readonly h3: RequestHost;
  readonly owner: RequestStreamOwner;
  readonly streamId: number;
  readonly maxQueuedStreams: number;
}

const MAX_HEADERS_FRAME = 16 * 1024;
const MAX_CAPSULE = 8 * 1024;

export const header = (fields: readonly HeaderField[], name: string): string | undefined =>
  fields.find((field) => field.name === name)?.value;

export class RequestStream {
  readonly streamId: number;
  private readonly h3: RequestHost;
  private readonly owner: RequestStreamOwner;
  private readonly maxQueuedStreams: number;
  private readonly reader = new FrameReader(MAX_HEADERS_FRAME);
  private readonly send: QuicSendSide;
  private capsules: Uint8Array = new Uint8Array(0);
  private session: WebTransportSession | undefined;
  private answered = false;
  private requestPath = '';

  constructor(init: RequestStreamInit) {
    this.h3 = init.h3;
    this.owner = init.owner;
    this.streamId = init.streamId;
    this.maxQueuedStreams = init.maxQueuedStreams;
    this.send = new QuicSendSide(this.h3.quic, this.streamId, { bytesReceived: 0, bufferedBytes: 0 }, () => undefined);
  }

  /** Client role: sends the extended CONNECT request. */
  sendRequest(fields: readonly HeaderField[]): Promise<void> {
    this.requestPath = header(fields, ':path') ?? '';
    return this.send.write(encodeFrame(FrameType.HEADERS, encodeFieldSection(fields)));
  }

  /** Server role: the bytes read while classifying the stream, then whatever quiche holds. */
  start(raw: Uint8Array, fin: boolean): DrainResult {
    this.onBytes(raw);
    return fin ? this.ended('fin') : this.onReadable();
  }

  /** A session lives on this stream: what it reads now are capsules, the close among them. */
  get hasSession(): boolean {
    return this.session !== undefined;
  }

  onReadable(): DrainResult {
    const result = drainStream(this.h3.quic.conn, this.streamId, (bytes) => this.onBytes(bytes));
    return result === 'open' ? 'open' : this.ended(result);
  }

  connectionClosed(error: { reason: string } | undefined): void {
    if (!this.answered && this.h3.role === 'client') this.owner.rejected(0);
    this.session?.peerClosed({ code: 0, reason: error?.reason ?? '' });
  }

  private ended(result: 'fin' | 'reset'): DrainResult {
    if (this.session) {
      this.session.peerClosed({ code: 0, reason: '' });
      void this.send.close().catch(() => undefined);
      this.h3.connectStreamDone();
    } else if (this.h3.role === 'client' && !this.answered) {
      this.answered = true;
      this.owner.rejected(0);
    }
    return result;
  }

  private onBytes(bytes: Uint8Array): void {
    this.reader.push(bytes);
    for (let frame = this.reader.next(); frame; frame = this.reader.next()) {
      if (frame.type === FrameType.HEADERS && !this.answered) this.onHeaders(decodeFieldSection(frame.payload));
      else if (frame.type === FrameType.DATA) {
        if (!this.answered) throw new H3Error(H3ErrorCode.FRAME_UNEXPECTED, 'DATA before HEADERS'); // RFC 9114 §4.1
        this.onCapsuleBytes(frame.payload);
      }
      // Trailers, reserved and unknown frame types are ignored (RFC 9114 §9).
    }
  }

  private onHeaders(fields: HeaderField[]): void {
    this.answered = true;
    if (this.h3.role === 'client') {
      const status = Number(header(fields, ':status'));
      if (status >= 200 && status < 300) this.openSession(this.requestPath, fields);
      else this.owner.rejected(status || 0);
      return;
    }
    const status = this.h3.goingAway ? 503 : this.owner.admit(fields, this.h3);
    const response: HeaderField[] = [{ name: ':status', value: String(status) }];
    if (status === 200) response.push({ name: 'sec-webtransport-http3-draft', value: 'draft02' }); // draft-02 §3.2
    const frame = encodeFrame(FrameType.HEADERS, encodeFieldSection(response));
    if (status === 200) {
      void this.send.write(frame).catch(() => undefined);
      this.openSession(header(fields, ':path') ?? '', fields);
    } else {
      void this.send.writeAndClose(frame).catch(() => undefined);
      this.h3.quic.conn.streamShutdown(this.streamId, Shutdown.Read, H3ErrorCode.NO_ERROR);
    }
  }

  private openSession(path: string, fields: readonly HeaderField[]): void {
    const session = new WebTransportSession({
      host: this.h3,
      id: this.streamId,
      path,
      headers: fields,
      connectStream: this.send,
      maxQueuedStreams: this.maxQueuedStreams,
    });
    this.session = session;
    this.h3.addSession(session);
    this.owner.sessionOpened(session);
  }

  private onCapsuleBytes(bytes: Uint8Array): void {
    this.capsules = this.capsules.length === 0 ? bytes : concatBytes([this.capsules, bytes]);
    for (;;) {
      const read = readCapsule(this.capsules, 0, MAX_CAPSULE);
      if (!read) return;
      this.capsules = this.capsules.subarray(read.next);
      if (read.capsule.type === CapsuleType.CLOSE_WEBTRANSPORT_SESSION) {
        this.session?.peerClosed(decodeCloseSession(read.capsule.value));
      }
      // DRAIN_WEBTRANSPORT_SESSION and unknown capsules need no action (RFC 9297 §3.2).
    }
  }
}

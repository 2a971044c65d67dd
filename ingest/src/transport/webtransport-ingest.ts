/**
 * The production bridge WebTransport → session layer (issue 4): every WebTransport session the
 * server accepts becomes one `IngestTransportIO` handed to the acceptor (the LiveHub).
 *
 * Stream layout (what the studio and the publisher CLI do): the publisher's first bidirectional
 * stream is the control stream (hello up, hello-ok/ack/status/error down); media travels on that
 * same stream (CLI) or on unidirectional streams (studio: one for all tracks, each `track` on the
 * stream of its frames). Every incoming stream, bidi or uni, is one byte stream of wire messages
 * for the session layer, which decodes each on its own (`MultiStreamSource`). Nothing is read
 * ahead: bytes stay in QUIC flow control until the session layer pulls them (backpressure).
 */
import { closeCodeFor } from './session/close-codes.ts';
import type { IngestAcceptor } from './session/types.ts';
import type { WebTransportServer } from './webtransport/server.ts';
import { WebTransportSessionClosedError, type WebTransportBidirectionalStream, type WebTransportSession } from './webtransport/session.ts';

/** Control messages waiting to be written before further ones are dropped (they are best effort: acks, status). */
const MAX_PENDING_SENDS = 64;
/** How long a closing session waits for its queued control messages to be taken by QUIC. */
const FLUSH_TIMEOUT_MS = 1_000;

type Incoming = { readonly kind: 'bidi'; readonly stream: WebTransportBidirectionalStream } | { readonly kind: 'uni'; readonly stream: ReadableStream<Uint8Array> };

/** Both incoming-stream iterables of a session, merged in arrival order; ends when both end. */
async function* incomingStreams(session: WebTransportSession): AsyncGenerator<Incoming> {
  const bidi = session.incomingBidirectionalStreams[Symbol.asyncIterator]();
  const uni = session.incomingUnidirectionalStreams[Symbol.asyncIterator]();
  type Next = { readonly from: 'bidi' | 'uni'; readonly result: IteratorResult<Incoming> };
  const pull = {
    bidi: (): Promise<Next> => bidi.next().then((r) => ({ from: 'bidi', result: r.done === true ? r : { value: { kind: 'bidi', stream: r.value } } })),
    uni: (): Promise<Next> => uni.next().then((r) => ({ from: 'uni', result: r.done === true ? r : { value: { kind: 'uni', stream: r.value } } })),
  };
  const pending = new Map<'bidi' | 'uni', Promise<Next>>([['bidi', pull.bidi()], ['uni', pull.uni()]]);
  try {
    while (pending.size > 0) {
      const { from, result } = await Promise.race(pending.values());
      if (result.done === true) {
        pending.delete(from);
        continue;
      }
      pending.set(from, pull[from]());
      yield result.value;
    }
  } finally {
    await Promise.allSettled([bidi.return?.(), uni.return?.()]);
  }
}

/**
 * A stream that ends when the publisher closes the whole session (CLOSE_WEBTRANSPORT_SESSION,
 * draft-ietf-webtrans-http3-02 §5), as a WebSocket source ends on close: the publisher going away
 * is the session's normal end, not a transport failure. Other stream errors pass through.
 */
async function* untilPeerCloses(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* stream;
  } catch (error) {
    if (error instanceof WebTransportSessionClosedError) return;
    throw error;
  }
}

/** Hands one WebTransport session to the acceptor; resolves when the session has ended. Never rejects. */
export function bridgeWebTransportSession(session: WebTransportSession, acceptor: IngestAcceptor): Promise<void> {
  let control: WebTransportBidirectionalStream | undefined;
  let writing: Promise<void> = Promise.resolve();
  let pendingSends = 0;

  async function* streams(): AsyncGenerator<AsyncIterable<Uint8Array>> {
    for await (const incoming of incomingStreams(session)) {
      if (incoming.kind === 'bidi') {
        control ??= incoming.stream;
        yield untilPeerCloses(incoming.stream.readable);
      } else {
        yield untilPeerCloses(incoming.stream);
      }
    }
  }

  let closing = false;
  const send = (bytes: Uint8Array): void => {
    const stream = control;
    if (stream === undefined || closing || pendingSends >= MAX_PENDING_SENDS) return;
    pendingSends += 1;
    // One write at a time (the send side refuses overlapping writes) keeps each message contiguous.
    writing = writing.then(() => stream.write(bytes)).catch(() => undefined).finally(() => {
      pendingSends -= 1;
    });
  };

  const close = (code: string): void => {
    if (closing) return;
    closing = true;
    // The registry code is the reason: it carries no secret, and the `error` message sent before has the text.
    const info = { code: closeCodeFor(code).webtransport, reason: code };
    // Closing the session resets its open streams, which drops unsent bytes (RFC 9000 §19.4): finish
    // the control stream first (FIN after the queued messages, e.g. the `error` explaining this
    // close), bounded in time so a peer that stopped reading cannot hold the session open.
    const stream = control;
    const timer = setTimeout(() => session.close(info), FLUSH_TIMEOUT_MS);
    void writing.then(() => stream?.close()).catch(() => undefined).finally(() => {
      clearTimeout(timer);
      session.close(info);
    });
  };

  return acceptor.accept({ transport: 'webtransport', source: { streams: streams() }, send, close }).finally(() => close('INGEST_SESSION_ENDED'));
}

/** Routes every session of `server` to the acceptor; returns the unsubscribe function. */
export function attachWebTransportIngest(server: WebTransportServer, acceptor: IngestAcceptor): () => void {
  return server.onSession((session) => void bridgeWebTransportSession(session, acceptor));
}

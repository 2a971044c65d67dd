import { WireDecoder } from '@streamhub/shared/wire/wire-decoder';
import { WireSessionValidator } from '@streamhub/shared/wire/session-validator';
import type { AppErrorShape, WireMessage } from '@streamhub/shared';
import { IngestTransportError } from './types.ts';

/** A decoded and session-validated message, or the one terminal error (wire or transport). */
export type DecodedItem =
  | { readonly ok: true; readonly message: WireMessage }
  | { readonly ok: false; readonly error: Pick<AppErrorShape, 'message'> & { readonly code: string } };

export interface DecodeWireStreamOptions {
  readonly maxMessageBytes: number;
  /** Updated in place: `bytes` counts every byte read from the source (for `ack`). */
  readonly counters: { bytes: number };
}

interface Batch {
  readonly items: readonly DecodedItem[];
  /** Lets the stream's reader continue: called once the consumer has taken every item. */
  readonly taken: () => void;
}

const failure = (error: unknown): DecodedItem =>
  error instanceof IngestTransportError
    ? { ok: false, error: { code: error.code, message: error.message } }
    : { ok: false, error: { code: 'INGEST_INTERNAL', message: 'The transport failed.' } };

/** One byte stream as a stream of streams. */
async function* single(source: AsyncIterable<Uint8Array>): AsyncGenerator<AsyncIterable<Uint8Array>> {
  yield source;
}

/**
 * Decodes the publisher's byte streams — one (WebSocket) or several arriving over time
 * (WebTransport: the control stream and media streams) — each with its own incremental decoder,
 * and checks the merged messages in arrival order with one session validator (hello first,
 * declared tracks, monotonic timestamps, keyframe first). Merging happens at message boundaries,
 * so streams never interleave inside a message; a `track` must travel on the stream of its frames
 * to be ordered before them.
 *
 * Backpressure: a stream's reader hands its decoded batch over and waits until the consumer has
 * taken all of it before reading more, so a paused consumer pauses every stream (at most one
 * chunk per stream is held). Yields messages until the first error, which is yielded last; an
 * `IngestTransportError` thrown by a stream becomes such an error item.
 */
export function decodeWireStreams(
  streams: AsyncIterable<AsyncIterable<Uint8Array>>,
  options: DecodeWireStreamOptions,
): AsyncGenerator<DecodedItem, void, undefined> {
  return new StreamMerge(options).run(streams);
}

/** The per-session state of `decodeWireStreams`: decoded batches waiting for the consumer. */
class StreamMerge {
  readonly #options: DecodeWireStreamOptions;
  readonly #pending: Batch[] = [];
  #wake: (() => void) | undefined;
  /** Readers still running, plus the stream-accepting loop until the streams iterable ends. */
  #active = 1;
  #stopped = false;

  constructor(options: DecodeWireStreamOptions) {
    this.#options = options;
  }

  async *run(streams: AsyncIterable<AsyncIterable<Uint8Array>>): AsyncGenerator<DecodedItem, void, undefined> {
    const validator = new WireSessionValidator({ expectHelloFirst: true });
    void this.#accept(streams);
    let batch: Batch | undefined;
    try {
      for (;;) {
        batch = this.#pending.shift();
        if (!batch) {
          if (this.#active === 0) return;
          await new Promise<void>((resolve) => (this.#wake = resolve));
          continue;
        }
        for (const item of batch.items) {
          const broken = item.ok ? validator.check(item.message) : undefined;
          if (broken) {
            yield { ok: false, error: broken };
            return;
          }
          yield item;
          if (!item.ok) return;
        }
        batch.taken();
      }
    } finally {
      this.#stopped = true;
      batch?.taken();
      for (const waiting of this.#pending.splice(0)) waiting.taken();
    }
  }

  async #accept(streams: AsyncIterable<AsyncIterable<Uint8Array>>): Promise<void> {
    try {
      for await (const stream of streams) {
        if (this.#stopped) return;
        this.#active += 1;
        void this.#read(stream);
      }
    } catch (error) {
      if (!this.#stopped) await this.#offer([failure(error)]);
    } finally {
      this.#done();
    }
  }

  async #read(stream: AsyncIterable<Uint8Array>): Promise<void> {
    const decoder = new WireDecoder({ maxMessageBytes: this.#options.maxMessageBytes });
    try {
      for await (const chunk of stream) {
        if (this.#stopped) return;
        this.#options.counters.bytes += chunk.byteLength;
        const items = decoder.push(chunk);
        if (items.length > 0) await this.#offer(items);
        if (decoder.error !== undefined) return;
      }
      const truncated = decoder.end();
      if (truncated && !this.#stopped) await this.#offer([{ ok: false, error: truncated }]);
    } catch (error) {
      if (!this.#stopped) await this.#offer([failure(error)]);
    } finally {
      decoder.close();
      this.#done();
    }
  }

  /** Hands a batch to the consumer; resolves once it has taken every item (backpressure). */
  #offer(items: readonly DecodedItem[]): Promise<void> {
    return new Promise((taken) => {
      this.#pending.push({ items, taken });
      this.#notify();
    });
  }

  #done(): void {
    this.#active -= 1;
    this.#notify();
  }

  #notify(): void {
    const resolve = this.#wake;
    this.#wake = undefined;
    resolve?.();
  }
}

/** The single-stream case (WebSocket). */
export function decodeWireStream(source: AsyncIterable<Uint8Array>, options: DecodeWireStreamOptions): AsyncGenerator<DecodedItem, void, undefined> {
  return decodeWireStreams(single(source), options);
}

/**
 * A single-producer, single-consumer async queue bounded by item count AND bytes.
 *
 * Backpressure, not buffering: `push` resolves only once the item is in the queue, so a producer
 * that awaits it (the session pump) stops reading its socket/stream while the consumer (the relay)
 * is behind. One item is always admitted into an empty queue whatever its size, so a message at the
 * protocol's size cap can never deadlock; memory is therefore bounded by `maxBytes` + one message.
 */
export interface BoundedQueueOptions {
  readonly maxItems: number;
  readonly maxBytes: number;
}

interface Entry<T> {
  readonly value: T;
  readonly size: number;
}

type State = 'open' | 'ended' | 'closed';

export class BoundedQueue<T> implements AsyncIterable<T> {
  readonly #maxItems: number;
  readonly #maxBytes: number;
  /** Consumed slots are cleared at once, so a taken item (and the buffer it views) can be collected. */
  #entries: (Entry<T> | undefined)[] = [];
  #head = 0;
  #bytes = 0;
  #state: State = 'open';
  /** Wakes the consumer waiting for an item (or for the end). */
  #wakeConsumer: (() => void) | undefined;
  /** Wakes the producer waiting for room (or for close). */
  #wakeProducer: (() => void) | undefined;
  #iterating = false;

  constructor(options: BoundedQueueOptions) {
    if (options.maxItems < 1 || options.maxBytes < 1) throw new RangeError('BoundedQueue limits must be positive');
    this.#maxItems = options.maxItems;
    this.#maxBytes = options.maxBytes;
  }

  get length(): number {
    return this.#entries.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** True once the consumer has gone away (`close`), so pushes are pointless. */
  get closed(): boolean {
    return this.#state === 'closed';
  }

  /**
   * Adds `value` (accounted as `size` bytes), waiting for room first.
   * Resolves `false` if the queue was ended/closed before the item could be added.
   */
  async push(value: T, size: number): Promise<boolean> {
    while (this.#state === 'open' && !this.#hasRoom(size)) {
      if (this.#wakeProducer) throw new Error('BoundedQueue supports one producer at a time');
      await new Promise<void>((resolve) => (this.#wakeProducer = resolve));
      this.#wakeProducer = undefined;
    }
    if (this.#state !== 'open') return false;
    this.#entries.push({ value, size });
    this.#bytes += size;
    this.#wake('consumer');
    return true;
  }

  /** No more items: the consumer drains what is queued, then its iteration ends. Idempotent. */
  end(): void {
    if (this.#state !== 'open') return;
    this.#state = 'ended';
    this.#wake('consumer');
    this.#wake('producer');
  }

  /** Drops everything and ends both sides now (the consumer left, or the session is torn down). Idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#entries = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#wake('consumer');
    this.#wake('producer');
  }

  /** Single consumer: a second concurrent iteration is a programming error. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    if (this.#iterating) throw new Error('BoundedQueue supports one consumer');
    this.#iterating = true;
    try {
      for (;;) {
        const entry = this.#shift();
        if (entry) {
          yield entry.value;
          continue;
        }
        if (this.#state !== 'open') return;
        await new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
        this.#wakeConsumer = undefined;
      }
    } finally {
      // Reached by normal end, by `break`/`return()` in the consumer, or by a throw in its loop body.
      this.close();
    }
  }

  #hasRoom(size: number): boolean {
    if (this.length === 0) return true;
    return this.length < this.#maxItems && this.#bytes + size <= this.#maxBytes;
  }

  #shift(): Entry<T> | undefined {
    if (this.#head >= this.#entries.length) return undefined;
    const entry = this.#entries[this.#head];
    this.#entries[this.#head] = undefined;
    this.#head += 1;
    // Compact now and then instead of Array#shift on every item (O(n) per shift).
    if (this.#head === this.#entries.length) {
      this.#entries = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
    if (entry) {
      this.#bytes -= entry.size;
      this.#wake('producer');
    }
    return entry;
  }

  #wake(side: 'consumer' | 'producer'): void {
    const wake = side === 'consumer' ? this.#wakeConsumer : this.#wakeProducer;
    if (side === 'consumer') this.#wakeConsumer = undefined;
    else this.#wakeProducer = undefined;
    wake?.();
  }
}

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue.ts';

const drain = async <T>(queue: BoundedQueue<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of queue) out.push(item);
  return out;
};

describe('BoundedQueue', () => {
  it('delivers in order and ends after the queued items are drained', async () => {
    const queue = new BoundedQueue<number>({ maxItems: 10, maxBytes: 1000 });
    for (let i = 0; i < 5; i++) expect(await queue.push(i, 1)).toBe(true);
    queue.end();
    expect(await drain(queue)).toEqual([0, 1, 2, 3, 4]);
    expect(await queue.push(9, 1)).toBe(false);
  });

  it('makes the producer wait when the item or byte limit is reached', async () => {
    const queue = new BoundedQueue<string>({ maxItems: 2, maxBytes: 100 });
    await queue.push('a', 10);
    await queue.push('b', 10);
    let third = false;
    const pushing = queue.push('c', 10).then(() => (third = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBe(false);
    expect(queue.length).toBe(2);
    const iterator = queue[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe('a');
    await pushing;
    expect(third).toBe(true);

    const bytes = new BoundedQueue<string>({ maxItems: 100, maxBytes: 100 });
    await bytes.push('big', 90);
    let waited = true;
    const next = bytes.push('more', 20).then(() => (waited = false));
    await new Promise((resolve) => setImmediate(resolve));
    expect(waited).toBe(true);
    bytes.close();
    await next;
    expect(bytes.bytes).toBe(0);
  });

  it('always admits one item into an empty queue, whatever its size (no deadlock at the size cap)', async () => {
    const queue = new BoundedQueue<string>({ maxItems: 1, maxBytes: 10 });
    expect(await queue.push('huge', 1_000_000)).toBe(true);
    expect(queue.bytes).toBe(1_000_000);
  });

  it('close wakes a waiting producer with false and a waiting consumer with the end', async () => {
    const queue = new BoundedQueue<number>({ maxItems: 1, maxBytes: 10 });
    const consumer = drain(queue);
    await queue.push(1, 1);
    await new Promise((resolve) => setImmediate(resolve));
    queue.close();
    expect(await consumer).toEqual([1]);
    expect(await queue.push(2, 1)).toBe(false);
    expect(queue.closed).toBe(true);
  });

  it('a consumer that breaks out closes the queue, so the producer stops', async () => {
    const queue = new BoundedQueue<number>({ maxItems: 1, maxBytes: 10 });
    const producer = (async () => {
      let pushed = 0;
      while (await queue.push(pushed, 1)) pushed += 1;
      return pushed;
    })();
    for await (const item of queue) if (item === 3) break;
    expect(await producer).toBeLessThanOrEqual(5);
  });

  it('keeps no reference to a taken item (a frame payload pins its whole socket buffer)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const queue = new BoundedQueue<{ payload: Uint8Array }>({ maxItems: 10, maxBytes: 1 << 30 });
    const iterator = queue[Symbol.asyncIterator]();
    const refs: WeakRef<object>[] = [];
    for (let i = 0; i < 3; i++) {
      const item = { payload: new Uint8Array(1024) };
      refs.push(new WeakRef(item));
      await queue.push(item, 1024);
      await iterator.next();
    }
    await queue.push({ payload: new Uint8Array(1) }, 1); // the queue stays open and in use
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    // Only the item last handed out is still held (by the suspended generator, like the consumer holds it).
    expect(refs.slice(0, 2).map((ref) => ref.deref())).toEqual([undefined, undefined]);
  });
});

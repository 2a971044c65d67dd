import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { micro, type WireMessage } from '@streamhub/shared';
import { encodeMessage } from '@streamhub/shared/wire/encode';
import { WireDecoder } from '@streamhub/shared/wire/wire-decoder';
import type { IngestAuthority, IngestSession } from '../../live/contracts.ts';
import { runIngestSession } from './ingest-session.ts';
import { MemoryIngestAuthority } from './testing/memory-ingest-authority.ts';
import { concatBytes, hello, sampleFrames, sampleTracks, splitRandomly } from './testing/sample-messages.ts';
import { defaultIngestLimits, type IngestTransportIO } from './types.ts';

/** An in-memory transport: the session layer is transport-agnostic, so this is the real thing minus sockets. */
function memoryTransport(produce: () => AsyncGenerator<Uint8Array>) {
  const state = { pulls: 0, closedWith: undefined as string | undefined, sent: [] as WireMessage[] };
  const decoder = new WireDecoder();
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  async function* source(): AsyncGenerator<Uint8Array> {
    const inner = produce();
    for (;;) {
      const next = await Promise.race([inner.next(), stopped.then(() => undefined)]);
      if (!next || next.done === true) return;
      state.pulls += 1;
      yield next.value;
    }
  }
  const io: IngestTransportIO = {
    transport: 'websocket',
    source: source(),
    send: (bytes) => {
      for (const item of decoder.push(bytes)) if (item.ok) state.sent.push(item.message);
    },
    close: (code) => {
      state.closedWith ??= code;
      stop();
    },
  };
  return { io, state };
}

function* frames(from = 0): Generator<WireMessage> {
  for (let i = from; ; i++) {
    yield { type: 'frame', trackId: 1, timestamp: micro(i * 20_000), duration: micro(20_000), keyframe: true, payload: new Uint8Array(1000) };
  }
}

describe('runIngestSession (transport-agnostic)', () => {
  it('stops pulling from the transport while the relay does not consume: memory per session is bounded', async () => {
    const authority = new MemoryIngestAuthority();
    const token = authority.issue('u');
    const { io, state } = memoryTransport(async function* () {
      yield encodeMessage(hello(token));
      yield encodeMessage(sampleTracks[1] as WireMessage);
      for (const frame of frames()) yield encodeMessage(frame); // endless publisher
    });
    let held: IngestSession | undefined;
    const outcome = runIngestSession({
      io, authority,
      limits: { ...defaultIngestLimits, queueMaxMessages: 8 },
      handler: async (session) => {
        held = session;
        await session.closed;
      },
    });
    await sleep(100);
    const pulls = state.pulls;
    await sleep(100);
    expect(state.pulls).toBe(pulls); // stalled, not buffering
    expect(pulls).toBeLessThanOrEqual(2 + 8 + 2); // hello + track + a full queue + the one waiting
    held?.close('INGEST_SESSION_ENDED', 'test over');
    expect(await outcome).toMatchObject({ code: 'INGEST_SESSION_ENDED', sessionId: 'session-1' });
    expect(state.closedWith).toBe('INGEST_SESSION_ENDED');
  });

  it('nothing escapes: a failing authority or a throwing source end the session with INGEST_INTERNAL', async () => {
    const broken: IngestAuthority = { consume: () => Promise.reject(new Error('database down')) };
    const a = memoryTransport(async function* () {
      yield encodeMessage(hello('t'));
      await sleep(10_000);
    });
    const outcomeA = await runIngestSession({ io: a.io, authority: broken, handler: async () => undefined, limits: defaultIngestLimits });
    expect(outcomeA.code).toBe('INGEST_INTERNAL');
    expect(a.state.sent.at(-1)).toMatchObject({ type: 'error', code: 'INGEST_INTERNAL' });

    const authority = new MemoryIngestAuthority();
    const b = memoryTransport(async function* () {
      yield encodeMessage(hello(authority.issue('u')));
      throw new Error('stream reset');
    });
    const outcomeB = await runIngestSession({ io: b.io, authority, handler: async (s) => { for await (const _ of s.messages); }, limits: defaultIngestLimits });
    expect(outcomeB.code).toBe('INGEST_INTERNAL');
  });

  it('an aborted signal (server shutdown) ends a live session with INGEST_SHUTTING_DOWN', async () => {
    const authority = new MemoryIngestAuthority();
    const token = authority.issue('u');
    const { io, state } = memoryTransport(async function* () {
      yield encodeMessage(hello(token));
      await sleep(10_000);
    });
    const controller = new AbortController();
    const messages: WireMessage[] = [];
    const outcome = runIngestSession({
      io, authority, limits: defaultIngestLimits, signal: controller.signal,
      handler: async (session) => {
        for await (const m of session.messages) messages.push(m);
      },
    });
    await expect.poll(() => state.sent.length).toBe(1);
    controller.abort();
    expect((await outcome).code).toBe('INGEST_SHUTTING_DOWN');
    expect(state.sent.map((m) => m.type)).toEqual(['hello-ok', 'error']);
    expect(state.closedWith).toBe('INGEST_SHUTTING_DOWN');
  });

  it('a publisher that leaves before hello ends quietly, without consuming anything', async () => {
    const authority = new MemoryIngestAuthority();
    const { io, state } = memoryTransport(async function* () { /* connects and leaves */ });
    const outcome = await runIngestSession({ io, authority, handler: async () => undefined, limits: defaultIngestLimits });
    expect(outcome).toMatchObject({ code: 'INGEST_SESSION_ENDED', sessionId: undefined });
    expect(state.sent).toEqual([]);
  });

  it('a stream cut inside a message → WIRE_TRUNCATED after the complete messages were delivered', async () => {
    const authority = new MemoryIngestAuthority();
    const token = authority.issue('u');
    const track = encodeMessage(sampleTracks[1] as WireMessage);
    const frame = encodeMessage(frames().next().value as WireMessage);
    const { io } = memoryTransport(async function* () {
      yield encodeMessage(hello(token));
      yield track;
      yield frame.subarray(0, 10);
    });
    const got: WireMessage[] = [];
    const outcome = await runIngestSession({
      io, authority, limits: defaultIngestLimits,
      handler: async (session) => {
        for await (const m of session.messages) got.push(m);
      },
    });
    expect(outcome.code).toBe('WIRE_TRUNCATED');
    expect(got.map((m) => m.type)).toEqual(['track']);
  });

  it('several streams (WebTransport): each decoded alone, merged at message boundaries, per-stream order kept', async () => {
    const authority = new MemoryIngestAuthority();
    const token = authority.issue('u');
    const video = [sampleTracks[0] as WireMessage, ...sampleFrames({ count: 120, seed: 5 }).filter((f) => f.trackId === 0)];
    const audio = [sampleTracks[1] as WireMessage, ...sampleFrames({ count: 120, seed: 6 }).filter((f) => f.trackId === 1)];
    let helloOk: () => void = () => undefined;
    const accepted = new Promise<void>((resolve) => (helloOk = resolve));
    async function* chunked(messages: WireMessage[], seed: number): AsyncGenerator<Uint8Array> {
      await accepted; // a publisher opens media streams after hello-ok
      for (const chunk of splitRandomly(concatBytes(messages.map((m) => encodeMessage(m))), 3000, seed)) {
        yield chunk;
        await sleep(0);
      }
    }
    async function* streams(): AsyncGenerator<AsyncIterable<Uint8Array>> {
      yield (async function* () {
        yield encodeMessage(hello(token));
      })();
      yield chunked(video, 1);
      yield chunked(audio, 2);
    }
    const sent: WireMessage[] = [];
    const got: WireMessage[] = [];
    const io: IngestTransportIO = {
      transport: 'webtransport',
      source: { streams: streams() },
      send: (bytes) => {
        for (const item of new WireDecoder().push(bytes)) if (item.ok) sent.push(item.message);
        helloOk();
      },
      close: () => undefined,
    };
    const outcome = await runIngestSession({
      io, authority, limits: { ...defaultIngestLimits, queueMaxMessages: 4 },
      handler: async (session) => {
        for await (const m of session.messages) got.push(m);
      },
    });
    expect(outcome.code).toBe('INGEST_SESSION_ENDED');
    expect(sent[0]?.type).toBe('hello-ok');
    const bytesOf = (messages: WireMessage[]) => Buffer.from(concatBytes(messages.map((m) => encodeMessage(m))));
    const videoGot = got.filter((m) => (m.type === 'track' ? m.trackId : m.type === 'frame' ? m.trackId : -1) === 0);
    const audioGot = got.filter((m) => (m.type === 'track' ? m.trackId : m.type === 'frame' ? m.trackId : -1) === 1);
    expect(bytesOf(videoGot).equals(bytesOf(video))).toBe(true);
    expect(bytesOf(audioGot).equals(bytesOf(audio))).toBe(true);
    expect(outcome.framesReceived).toBe(video.length + audio.length - 2);
  });
});

import { describe, expect, it } from 'vitest';
import { encodeMessage } from '@streamhub/shared/wire/encode';
import { WireDecoder } from '@streamhub/shared/wire/wire-decoder';
import type { WireMessage } from '@streamhub/shared/wire/messages';
import { micro } from '@streamhub/shared/time';
import { SessionClock } from '../clock.ts';
import type { WirePacket } from '../packetize/packetizer.ts';
import type { IngestTarget } from '../studio-engine.ts';
import type { Connection, ConnectionOpener } from './connection.ts';
import { LiveTransport, type TransportState } from './live-transport.ts';
import { SendQueue } from './send-queue.ts';

/*
 * The ingest can't run inside the page, so these tests drive LiveTransport through an in-page
 * ingest stand-in that speaks the real wire format (shared encoder/decoder); WebTransport and
 * WebSocket themselves are covered by the end-to-end test against the ingest.
 */
const target: IngestTarget = { webtransportUrl: 'https://127.0.0.1:1/wt', websocketUrl: 'ws://127.0.0.1:1/ws', token: 'secret-token', certificateHashes: [] };

class FakeIngest {
  readonly received: WireMessage[][] = [];
  /** Per media write: the frame messages it carried, and when it arrived. */
  readonly mediaWrites: { frames: number; at: number }[] = [];
  readonly #decoder = new WireDecoder();
  #push: ((m: WireMessage) => void) | null = null;
  #end: (() => void) | null = null;

  opener(kind: Connection['kind']): ConnectionOpener {
    return async () => {
      const inbox: WireMessage[] = [];
      this.received.push(inbox);
      const decoder = this.#decoder;
      const queue: WireMessage[] = [];
      let wake: (() => void) | null = null;
      const state = { ended: false };
      this.#push = (m) => { queue.push(m); wake?.(); };
      this.#end = () => { state.ended = true; wake?.(); };
      const take = (bytes: Uint8Array) => {
        for (const item of decoder.push(bytes)) {
          if (!item.ok) throw new Error(item.error.code);
          inbox.push(item.message);
          if (item.message.type === 'hello') this.#push?.({ type: 'hello-ok', sessionId: 's1', maxMessageBytes: 1 << 20 });
          if (item.message.type === 'stats') this.#push?.({ type: 'ack', sequence: item.message.sequence, echoedSentAt: item.message.sentAt, framesReceived: 0, bytesReceived: 0 });
        }
      };
      return {
        kind,
        sendControl: async (b) => { if (state.ended) throw new Error('closed'); take(b); },
        sendMedia: async (b) => {
          if (state.ended) throw new Error('closed');
          const before = inbox.length;
          take(b);
          this.mediaWrites.push({ frames: inbox.slice(before).filter((m) => m.type === 'frame').length, at: performance.now() });
        },
        incoming: (async function* () {
          for (;;) {
            const next = queue.shift();
            if (next) { yield next; continue; }
            if (state.ended) return;
            await new Promise<void>((r) => { wake = r; });
          }
        })(),
        rttMs: async () => null,
        close: () => { state.ended = true; wake?.(); },
      };
    };
  }

  /** The ingest drops the connection. */
  drop(): void { this.#end?.(); }
}

const frame = (timestamp: number, keyframe: boolean): WirePacket => ({
  bytes: encodeMessage({ type: 'frame', trackId: 0, timestamp: micro(timestamp), duration: micro(33_333), keyframe, payload: new Uint8Array([1, 2, 3]) }),
  kind: 'video', keyframe, timestamp: micro(timestamp),
});

const audio = (timestamp: number): WirePacket => ({
  bytes: encodeMessage({ type: 'frame', trackId: 1, timestamp: micro(timestamp), duration: micro(20_000), keyframe: true, payload: new Uint8Array([9]) }),
  kind: 'audio', keyframe: true, timestamp: micro(timestamp),
});

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('LiveTransport', () => {
  it('falls back to WebSocket, says hello, resumes with tracks and a keyframe after a drop', async () => {
    const ingest = new FakeIngest();
    const states: TransportState[] = [];
    let keyframesRequested = 0;
    const queue = new SendQueue({ maxPackets: 10 });
    const track = { bytes: encodeMessage({ type: 'track', kind: 'video', trackId: 0, codec: 'avc1.42001f', description: new Uint8Array([1]), width: 1280, height: 720, framerate: 30 }), kind: 'control' as const, keyframe: false, timestamp: micro(0) };
    const transport = new LiveTransport({
      target, queue, clock: new SessionClock(), statsIntervalMs: 50, backoffMs: [20],
      openers: { webtransport: async () => { throw new Error('no QUIC here'); }, websocket: ingest.opener('websocket') },
      onState: (s) => states.push(s), onMessage: () => undefined,
      resume: () => { keyframesRequested += 1; return [track]; },
    });
    try {
      queue.push(frame(0, true));
      queue.push(frame(33_333, false));
      await until(() => (ingest.received[0]?.filter((m) => m.type === 'frame').length ?? 0) === 2);
      const first = ingest.received[0] ?? [];
      expect(first.map((m) => m.type).slice(0, 2)).toEqual(['hello', 'track']);
      expect(first[0]).toMatchObject({ type: 'hello', token: 'secret-token' });
      await until(() => transport.rttMs !== null);
      expect(transport.kind).toBe('websocket');

      ingest.drop();
      await until(() => states.includes('reconnecting') && ingest.received.length === 2 && states.at(-1) === 'connected');
      queue.push(frame(66_666, false)); // dropped: a keyframe must come first after a reconnect
      queue.push(frame(100_000, true));
      await until(() => (ingest.received[1]?.filter((m) => m.type === 'frame').length ?? 0) === 1);
      const second = ingest.received[1] ?? [];
      expect(second.map((m) => m.type).slice(0, 2)).toEqual(['hello', 'track']);
      expect(second.find((m) => m.type === 'frame')).toMatchObject({ keyframe: true, timestamp: 100_000 });
      expect(keyframesRequested).toBe(2);
      expect(states.slice(0, 3)).toEqual(['connecting', 'fallback-websocket', 'connected']);
    } finally {
      await transport.close();
    }
    expect(states.at(-1)).toBe('closed');
    // A stop says goodbye, so the ingest records a stop rather than a dropped connection.
    await until(() => ingest.received[1]?.at(-1)?.type === 'goodbye');
  });

  it('sends audio with the next video frame in one write, and alone after at most the hold', async () => {
    const ingest = new FakeIngest();
    const queue = new SendQueue({ maxPackets: 10 });
    const transport = new LiveTransport({
      target, queue, clock: new SessionClock(), audioHoldMs: 40,
      openers: { webtransport: ingest.opener('webtransport'), websocket: ingest.opener('websocket') },
      onState: () => undefined, onMessage: () => undefined, resume: () => [],
    });
    try {
      queue.push(frame(0, true));
      await until(() => ingest.mediaWrites.length === 1);
      queue.push(audio(10_000));
      queue.push(audio(30_000));
      await new Promise((r) => setTimeout(r, 10));
      expect(ingest.mediaWrites).toHaveLength(1); // the audio waits for video
      queue.push(frame(33_333, false));
      await until(() => ingest.mediaWrites.length === 2);
      expect(ingest.mediaWrites[1]?.frames).toBe(3);
      const frames = (ingest.received[0] ?? []).filter((m) => m.type === 'frame');
      expect(frames.map((m) => m.timestamp)).toEqual([0, 10_000, 30_000, 33_333]);

      const pushedAt = performance.now();
      queue.push(audio(50_000)); // no video follows: goes alone once the hold is over
      await until(() => ingest.mediaWrites.length === 3);
      expect(ingest.mediaWrites[2]?.frames).toBe(1);
      expect((ingest.mediaWrites[2]?.at ?? 0) - pushedAt).toBeGreaterThanOrEqual(35);
      expect(transport.framesSent).toBe(5);
    } finally {
      await transport.close();
    }
  });
});

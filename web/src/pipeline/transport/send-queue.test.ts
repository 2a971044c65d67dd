import { describe, expect, it } from 'vitest';
import { micro } from '@streamhub/shared/time';
import type { WirePacket } from '../packetize/packetizer.ts';
import { SendQueue } from './send-queue.ts';

const packet = (kind: WirePacket['kind'], keyframe = false, tag = 0): WirePacket => ({ bytes: new Uint8Array([tag]), kind, keyframe, timestamp: micro(tag) });

const at = (kind: 'audio' | 'video', timestamp: number, keyframe = false): WirePacket => ({ bytes: new Uint8Array(1), kind, keyframe, timestamp: micro(timestamp) });

async function drain(queue: SendQueue): Promise<[WirePacket['kind'], number][]> {
  const out: [WirePacket['kind'], number][] = [];
  while (queue.depth > 0) {
    const p = await queue.next();
    if (p) out.push([p.kind, p.timestamp]);
  }
  return out;
}

async function drainAfterReset(queue: SendQueue): Promise<[WirePacket['kind'], number][]> {
  queue.resetToKeyframe();
  return drain(queue);
}

/** Audio every 20 ms and video at 30 fps with a keyframe every 2 s, pushed in time order as the encoders emit them. */
function feed(queue: SendQueue, durationUs: number): { audio: number; video: number } {
  const events: { t: number; kind: 'audio' | 'video'; key: boolean }[] = [];
  for (let i = 0; i * 20_000 < durationUs; i++) events.push({ t: i * 20_000, kind: 'audio', key: false });
  for (let f = 0; f * 1e6 / 30 < durationUs; f++) events.push({ t: Math.round(f * 1e6 / 30), kind: 'video', key: f % 60 === 0 });
  events.sort((x, y) => x.t - y.t || (x.kind === 'video' ? -1 : 1));
  for (const e of events) queue.push(at(e.kind, e.t, e.key));
  return { audio: events.filter((e) => e.kind === 'audio').length, video: events.filter((e) => e.kind === 'video').length };
}

describe('SendQueue', () => {
  it('when full drops non-key video until the next keyframe, never audio or keyframes', async () => {
    let dropRuns = 0;
    const queue = new SendQueue({ maxPackets: 2, onDropStart: () => { dropRuns += 1; } });
    queue.push(packet('video', true, 1));
    queue.push(packet('video', false, 2));
    queue.push(packet('video', false, 3)); // full → dropped, run starts
    queue.push(packet('audio', false, 4)); // audio always in
    await queue.next(); // room again, but still waiting for a keyframe
    queue.push(packet('video', false, 5)); // dropped
    queue.push(packet('video', true, 6)); // keyframe ends the run
    queue.push(packet('video', false, 7)); // over the limit again → dropped, second run
    expect(queue.dropped).toBe(3);
    expect(dropRuns).toBe(2);
    const rest: number[] = [];
    while (queue.depth > 0) rest.push((await queue.next())?.bytes[0] ?? -1);
    expect(rest).toEqual([2, 4, 6]);
  });

  it('resetToKeyframe keeps video from the newest queued keyframe on, and drops queued control', async () => {
    const queue = new SendQueue({ maxPackets: 10 });
    queue.push(packet('control', false, 9));
    queue.push(packet('video', false, 1));
    queue.push(packet('video', true, 2));
    queue.push(packet('video', false, 3));
    queue.resetToKeyframe();
    expect([(await queue.next())?.bytes[0], (await queue.next())?.bytes[0]]).toEqual([2, 3]);
    expect(queue.dropped).toBe(1);
  });

  it('resetToKeyframe without a queued keyframe drops queued video and waits for one', async () => {
    const queue = new SendQueue({ maxPackets: 10 });
    queue.push(packet('video', false, 1));
    queue.push(packet('audio', false, 2));
    queue.resetToKeyframe();
    queue.push(packet('video', false, 3));
    queue.push(packet('video', true, 4));
    expect([(await queue.next())?.bytes[0], (await queue.next())?.bytes[0]]).toEqual([2, 4]);
    expect(queue.dropped).toBe(2);
  });

  it('resetToKeyframe drops queued audio older than the newest keyframe, and counts it by kind', async () => {
    const queue = new SendQueue({ maxPackets: 100 });
    queue.push(at('audio', 0));
    queue.push(at('video', 0, true));
    queue.push(at('audio', 20_000));
    queue.push(at('video', 33_000));
    queue.push(at('audio', 40_000));
    queue.push(at('video', 66_000, true));
    queue.push(at('audio', 66_000));
    queue.push(at('audio', 80_000));
    queue.resetToKeyframe();
    expect(await drain(queue)).toEqual([['video', 66_000], ['audio', 66_000], ['audio', 80_000]]);
    expect(queue.droppedByKind).toEqual({ video: 2, audio: 3 });
    expect(queue.dropped).toBe(5);
  });

  it('during an outage holds at most the backlog window, then resumes at the newest keyframe', async () => {
    let dropRuns = 0;
    const queue = new SendQueue({ maxPackets: 120, maxBacklogUs: 3_000_000, onDropStart: () => { dropRuns += 1; } });
    const pushed = feed(queue, 30_000_000); // 30 s of media, nothing sent
    expect(queue.depth).toBeLessThanOrEqual(3_000_000 / 20_000 + 2); // 3 s of audio + its keyframes, not 1500 packets
    const queued = await drainAfterReset(queue);
    const audio = queued.filter(([kind]) => kind === 'audio');
    const video = queued.filter(([kind]) => kind === 'video');
    const newest = 30_000_000 - 20_000;
    // Bounded: nothing older than the window, and from the newest keyframe (every 2 s) on.
    expect(queued[0]).toEqual(['video', 28_000_000]);
    expect(audio[0]?.[1]).toBe(28_000_000);
    expect(audio.at(-1)?.[1]).toBe(newest);
    expect(queue.droppedByKind.audio).toBe(pushed.audio - audio.length);
    expect(queue.droppedByKind.video).toBe(pushed.video - video.length);
    expect(dropRuns).toBeGreaterThan(0);
  });

  it('never drops audio while the connection keeps up', async () => {
    const queue = new SendQueue({ maxPackets: 120, maxBacklogUs: 1_000_000 });
    let sent = 0;
    for (let t = 0; t < 10_000_000; t += 20_000) {
      queue.push(at('audio', t));
      if (t % 100_000 === 0) queue.push(at('video', t, t % 2_000_000 === 0));
      while (queue.depth > 3) { await queue.next(); sent += 1; } // the link lags a few packets behind
    }
    sent += (await drain(queue)).length;
    expect(queue.droppedByKind).toEqual({ video: 0, audio: 0 });
    expect(sent).toBe(500 + 100);
  });

  it('next() waits for a packet and returns null after close', async () => {
    const queue = new SendQueue({ maxPackets: 10 });
    const waiting = queue.next();
    queue.push(packet('audio', false, 9));
    expect((await waiting)?.bytes[0]).toBe(9);
    const pending = queue.next();
    queue.close();
    expect(await pending).toBeNull();
  });
});

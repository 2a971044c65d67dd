import { describe, expect, it } from 'vitest';
import { micro } from '@streamhub/shared/time';
import type { WirePacket } from '../packetize/packetizer.ts';
import { SendQueue } from './send-queue.ts';

const packet = (kind: WirePacket['kind'], keyframe = false, tag = 0): WirePacket => ({ bytes: new Uint8Array([tag]), kind, keyframe, timestamp: micro(tag) });

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

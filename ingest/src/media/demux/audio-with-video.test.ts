import { describe, expect, it } from 'vitest';
import { micro, type FrameMessage } from '@streamhub/shared';
import { AudioWithVideo, type Release } from './audio-with-video.ts';

const VIDEO = 0;
const AUDIO = 1;
const frame = (trackId: number, ms: number): FrameMessage => ({ type: 'frame', trackId, timestamp: micro(ms * 1000), duration: micro(20_000), keyframe: true, payload: new Uint8Array(0) });
const describeReleases = (releases: readonly Release[]) => releases.map((r) => [r.atUs / 1000, r.frames.map((f) => `${f.trackId === VIDEO ? 'v' : 'a'}${String(f.timestamp / 1000)}`)]);

describe('AudioWithVideo', () => {
  it.each([
    {
      name: 'audio leaves with the next video frame, at its time',
      hold: 40, input: [[VIDEO, 0], [AUDIO, 10], [AUDIO, 30], [VIDEO, 33]],
      out: [[0, ['v0']], [33, ['a10', 'a30', 'v33']]],
    },
    {
      name: 'video paused: held audio leaves alone once the oldest has waited the hold',
      hold: 40, input: [[AUDIO, 0], [AUDIO, 20], [AUDIO, 40], [AUDIO, 60], [VIDEO, 100], [AUDIO, 110], [VIDEO, 133]],
      out: [[40, ['a0', 'a20']], [80, ['a40', 'a60']], [100, ['v100']], [133, ['a110', 'v133']]],
    },
    {
      name: 'hold 0: every frame at its own time',
      hold: 0, input: [[AUDIO, 0], [VIDEO, 10], [AUDIO, 20]],
      out: [[0, ['a0']], [10, ['v10']], [20, ['a20']]],
    },
  ])('$name', ({ hold, input, out }) => {
    const pacer = new AudioWithVideo(AUDIO, hold * 1000);
    const releases = input.flatMap(([track, ms]) => pacer.add(frame(track ?? VIDEO, ms ?? 0)));
    const last = pacer.end();
    expect(describeReleases(last ? [...releases, last] : releases)).toEqual(out);
  });

  it('the end of input releases what is held at the end of its hold', () => {
    const pacer = new AudioWithVideo(AUDIO, 40_000);
    expect(pacer.add(frame(AUDIO, 100))).toEqual([]);
    expect(describeReleases([pacer.end() ?? { atUs: -1, frames: [] }])).toEqual([[140, ['a100']]]);
    expect(pacer.end()).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { resolveFfmpegPath } from './ffmpeg-binary.ts';

describe('resolveFfmpegPath', () => {
  it('prefers FFMPEG_PATH, then the system binary', () => {
    expect(resolveFfmpegPath({ FFMPEG_PATH: '/usr/bin/ffmpeg' })).toBe('/usr/bin/ffmpeg');
    expect(resolveFfmpegPath({ FFMPEG_PATH: '/nonexistent/ffmpeg' })).toBeNull();
    expect(resolveFfmpegPath({})).toBe('/usr/bin/ffmpeg');
  });
});

import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.ts';
import { parseRtmpUrl } from './fanout/rtmp/rtmp-url.ts';

describe('Redactor', () => {
  const redactor = new Redactor();
  redactor.addUrl('rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl-mnop');
  it.each([
    ['rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl-mnop: Connection refused', 'rtmp://a.rtmp.youtube.com/live2/****mnop: Connection refused'],
    ['key abcd-efgh-ijkl-mnop in text', 'key ****mnop in text'],
    ['rtmps://live-api-s.facebook.com:443/rtmp/FB-123456?s_bl=1 failed', 'rtmps://live-api-s.facebook.com:443/rtmp/****bl=1 failed'],
    ['nothing secret', 'nothing secret'],
  ])('%s', (input, expected) => {
    expect(redactor.redact(input)).toBe(expected);
  });
});

describe('parseRtmpUrl', () => {
  it('splits app and stream key like FFmpeg and OBS', () => {
    expect(parseRtmpUrl('rtmp://live.twitch.tv/app/live_123_abc')).toMatchObject({ secure: false, host: 'live.twitch.tv', port: 1935, app: 'app', streamName: 'live_123_abc', tcUrl: 'rtmp://live.twitch.tv/app' });
    expect(parseRtmpUrl('rtmps://h:443/rtmp/k?x=1')).toMatchObject({ secure: true, port: 443, app: 'rtmp', streamName: 'k?x=1' });
    expect(() => parseRtmpUrl('http://x/a/b')).toThrow(/not a valid/);
    expect(() => parseRtmpUrl('rtmp://x/onlykey')).toThrow(/not a valid/);
  });
});

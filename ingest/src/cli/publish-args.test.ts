import { describe, expect, it } from 'vitest';
import { UsageError, endpointUrl, parsePublishArgs } from './publish-args.ts';

const base = ['--url', 'http://127.0.0.1:8080', '--token', 'secret', '--input', 'a.mp4'];

describe('publisher arguments', () => {
  it('applies defaults and maps the base URL to the WebSocket endpoint', () => {
    const options = parsePublishArgs(base);
    expect(options).toMatchObject({ transport: 'websocket', loop: false, durationSeconds: undefined, progressSeconds: 1 });
    expect(options.url.href).toBe('ws://127.0.0.1:8080/api/ingest/ws');
    expect(endpointUrl('https://ingest.example:8443', 'websocket').href).toBe('wss://ingest.example:8443/api/ingest/ws');
    expect(endpointUrl('ws://h:1/custom', 'websocket').href).toBe('ws://h:1/custom');
    expect(endpointUrl('https://h:4433', 'webtransport').href).toBe('https://h:4433/ingest');
  });

  it.each([
    [['--url', 'x'], /missing --token, --input/],
    [[...base, '--transport', 'rtmp'], /--transport must be websocket or webtransport/],
    [[...base, '--duration', '0'], /--duration must be a positive number/],
    [[...base, '--duration', 'ten'], /--duration must be a positive number/],
    [[...base, '--bogus'], /Unknown option '--bogus'/],
    [['--url', 'not a url', '--token', 't', '--input', 'a'], /--url is not a valid URL/],
    [['--url', 'http://h', '--token', 't', '--input', 'a', '--transport', 'webtransport'], /https:\/\/ for WebTransport/],
    [['--url', 'ftp://h', '--token', 't', '--input', 'a'], /http\(s\):\/\/ or ws\(s\):\/\//],
  ])('rejects %j with a clear message', (args, message) => {
    expect(() => parsePublishArgs(args)).toThrow(UsageError);
    expect(() => parsePublishArgs(args)).toThrow(message);
  });

  it('takes the token from INGEST_TOKEN when --token is absent', () => {
    expect(parsePublishArgs(['--url', 'http://h', '--input', 'a.mp4'], { INGEST_TOKEN: 'from-env' }).token).toBe('from-env');
    expect(parsePublishArgs(base, { INGEST_TOKEN: 'from-env' }).token).toBe('secret');
  });

  it('never echoes the token in a usage error', () => {
    expect(() => parsePublishArgs([...base, '--duration', 'x'])).not.toThrow(/secret/);
  });
});

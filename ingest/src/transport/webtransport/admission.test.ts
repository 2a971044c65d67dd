import { describe, expect, it } from 'vitest';
import { connectStatus } from './admission.ts';

const request = (overrides: Record<string, string | undefined>) => {
  const base: Record<string, string | undefined> = {
    ':method': 'CONNECT', ':protocol': 'webtransport', ':scheme': 'https', ':authority': '127.0.0.1:4433', ':path': '/ingest',
    ...overrides,
  };
  return Object.entries(base).flatMap(([name, value]) => (value === undefined ? [] : [{ name, value }]));
};

// RFC 9220 §3 / RFC 9114 §4.4: extended CONNECT carries :protocol, :scheme, :authority and :path.
const cases: readonly { name: string; overrides: Record<string, string | undefined>; sessions?: number; status: number }[] = [
  { name: 'a WebTransport CONNECT on the path', overrides: {}, status: 200 },
  { name: 'the path with a query string', overrides: { ':path': '/ingest?x=1' }, status: 200 },
  { name: 'another path', overrides: { ':path': '/ingest/x' }, status: 404 },
  { name: 'a GET', overrides: { ':method': 'GET', ':protocol': undefined }, status: 404 },
  { name: 'another protocol', overrides: { ':protocol': 'websocket' }, status: 404 },
  { name: 'http scheme', overrides: { ':scheme': 'http' }, status: 400 },
  { name: 'no authority', overrides: { ':authority': undefined }, status: 400 },
  { name: 'a second session on the connection', overrides: {}, sessions: 1, status: 429 },
];

describe('extended CONNECT admission', () => {
  it.each(cases)('answers $status to $name', ({ overrides, sessions, status }) => {
    expect(connectStatus(request(overrides), { path: '/ingest', sessionCount: sessions ?? 0, maxSessions: 1 })).toBe(status);
  });
});

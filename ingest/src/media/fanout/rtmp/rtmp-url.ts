import { RelayError } from '../../relay-error.ts';

export interface RtmpTarget {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** Application path (everything between the host and the stream key). */
  readonly app: string;
  /** Stream name = the stream key (with any query string). Secret. */
  readonly streamName: string;
  /** `rtmp[s]://host[:port]/app`: the connect command's tcUrl (no key). */
  readonly tcUrl: string;
}

/** Splits `rtmp[s]://host[:port]/app[/more]/key[?query]` the way FFmpeg and OBS do: the key is the last segment. */
export function parseRtmpUrl(url: string): RtmpTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RelayError('RELAY_DESTINATION_URL_INVALID');
  }
  const secure = parsed.protocol === 'rtmps:';
  if (!secure && parsed.protocol !== 'rtmp:') throw new RelayError('RELAY_DESTINATION_URL_INVALID');
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  const key = segments.pop();
  if (key === undefined || segments.length === 0 || parsed.hostname === '') throw new RelayError('RELAY_DESTINATION_URL_INVALID');
  const port = parsed.port === '' ? (secure ? 443 : 1935) : Number(parsed.port);
  const app = segments.map(decodeURIComponent).join('/');
  const hostPort = parsed.port === '' ? parsed.hostname : `${parsed.hostname}:${parsed.port}`;
  return {
    secure, host: parsed.hostname.replace(/^\[|\]$/g, ''), port, app,
    streamName: decodeURIComponent(key) + parsed.search,
    tcUrl: `${parsed.protocol}//${hostPort}/${app}`,
  };
}

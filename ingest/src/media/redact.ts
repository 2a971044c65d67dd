import { maskSecret } from '@streamhub/shared/platforms';

/** Any rtmp(s) URL: its last path segment is a stream key (FFmpeg and servers print full URLs). */
const RTMP_URL = /rtmps?:\/\/[^\s'"<>]+/gi;

function redactUrl(match: string): string {
  // Punctuation right after a URL in a message (`…/key: refused`) is not part of the key.
  const trailing = /[.,;:)\]]+$/.exec(match)?.[0] ?? '';
  const url = match.slice(0, match.length - trailing.length);
  const cut = url.lastIndexOf('/');
  if (cut < url.indexOf('//') + 2) return match;
  const key = url.slice(cut + 1);
  return key === '' ? match : `${url.slice(0, cut + 1)}${maskSecret(key)}${trailing}`;
}

/**
 * Removes stream keys from text that leaves the relay (logs, errors, status, FFmpeg stderr): the known
 * secrets of the session's destinations, and the key segment of any RTMP URL as a second net.
 */
export class Redactor {
  readonly #secrets = new Map<string, string>();

  /** Registers a destination URL; its key (last path segment, query included) becomes a secret. */
  addUrl(url: string): void {
    const cut = url.lastIndexOf('/');
    const key = url.slice(cut + 1);
    if (key.length >= 4) this.#secrets.set(key, maskSecret(key));
    const bare = key.split('?')[0] ?? '';
    if (bare.length >= 4) this.#secrets.set(bare, maskSecret(bare));
  }

  redact(text: string): string {
    let out = text.replace(RTMP_URL, redactUrl);
    for (const [secret, masked] of this.#secrets) out = out.split(secret).join(masked);
    return out;
  }
}

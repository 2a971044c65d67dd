/**
 * Validation of an extended CONNECT for WebTransport (RFC 9220 §3, RFC 9114 §4.3.1 and §4.4,
 * draft-ietf-webtrans-http3-02 §3.1): the status the server answers with.
 */
import type { HeaderField } from '../h3/qpack.ts';

export interface ConnectCheck {
  /** Path the server accepts sessions on (query string ignored). */
  readonly path: string;
  readonly sessionCount: number;
  readonly maxSessions: number;
}

const value = (fields: readonly HeaderField[], name: string): string | undefined =>
  fields.find((field) => field.name === name)?.value;

export function connectStatus(fields: readonly HeaderField[], check: ConnectCheck): number {
  const method = value(fields, ':method');
  const protocol = value(fields, ':protocol');
  const path = value(fields, ':path') ?? '';
  if (method !== 'CONNECT' || protocol !== 'webtransport') return 404; // not a WebTransport request
  if (value(fields, ':scheme') !== 'https' || !value(fields, ':authority') || !path.startsWith('/')) return 400;
  if (path.split('?', 1)[0] !== check.path) return 404;
  if (check.sessionCount >= check.maxSessions) return 429;
  return 200;
}

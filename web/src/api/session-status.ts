/**
 * `GET /api/stream/status` answers the relay's `SessionStatus` as an untyped field (the API keeps it
 * loose); this guard checks the parts the studio reads before it is used as one.
 */
import { streamStatusResponse } from '@streamhub/shared/api/stream';
import type { SessionStatus } from '@streamhub/shared/relay-status';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const destinationStates = new Set(['connecting', 'live', 'retrying', 'failed', 'stopped']);

function isSessionStatus(v: unknown): v is SessionStatus {
  if (!isObj(v) || typeof v.sessionId !== 'string' || !isObj(v.input)) return false;
  if (!Array.isArray(v.destinations) || !Array.isArray(v.warnings)) return false;
  return v.destinations.every((d: unknown) =>
    isObj(d) && typeof d.id === 'string' && typeof d.name === 'string' && isObj(d.status) && destinationStates.has(String(d.status.state)));
}

/** The live status in a `/api/stream/status` answer, or null when there is none (or it is malformed). */
export function parseLiveStatus(body: unknown): SessionStatus | null {
  const { live } = streamStatusResponse.parse(body);
  return isSessionStatus(live) ? live : null;
}

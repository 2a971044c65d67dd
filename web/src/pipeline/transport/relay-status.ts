import type { SessionStatus } from '@streamhub/shared/relay-status';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * Checks the `status` wire message's JSON before it becomes a typed event (the shared workspace
 * has the type but no schema yet): top-level shape only; anything else is rejected as null.
 */
export function parseSessionStatus(json: string): SessionStatus | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const ok = typeof value.sessionId === 'string'
    && (value.state === 'waiting' || value.state === 'live' || value.state === 'ended')
    && (value.startedAtMs === null || typeof value.startedAtMs === 'number')
    && isObject(value.input)
    && Array.isArray(value.destinations) && value.destinations.every(isObject)
    && Array.isArray(value.warnings) && value.warnings.every(isObject);
  return ok ? value as unknown as SessionStatus : null;
}

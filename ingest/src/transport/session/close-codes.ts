/**
 * The one table from error-registry codes to transport close codes.
 *
 * - WebSocket: RFC 6455 §7.4.2 reserves 4000–4999 for private use; 1000 (normal) and 1001 (going
 *   away) are the standard ones (§7.4.1). A close reason is limited to 123 bytes (§5.5), so the
 *   code carries the meaning and the `error` wire message sent before the close carries the text.
 * - WebTransport: CLOSE_WEBTRANSPORT_SESSION carries a 32-bit application error code
 *   (draft-ietf-webtrans-http3 §5); we use the same numbers, with 0 for a normal end.
 *
 * Ranges: 40xx ingest/session, 41xx wire protocol, 42xx hello phase, 43xx auth and admission.
 * A code without its own row falls back to its area's generic number, so a newly added registry
 * code still closes with a meaningful range.
 */
export interface CloseCode {
  readonly websocket: number;
  readonly webtransport: number;
}

const same = (code: number): CloseCode => ({ websocket: code, webtransport: code });

export const closeCodes: Readonly<Record<string, CloseCode>> = {
  INGEST_SESSION_ENDED: { websocket: 1000, webtransport: 0 },
  INGEST_SHUTTING_DOWN: { websocket: 1001, webtransport: 4001 },
  INGEST_INTERNAL: same(4000),
  INGEST_KEEPALIVE_TIMEOUT: same(4002),
  INGEST_BINARY_ONLY: same(4003),
  INGEST_UNEXPECTED_MESSAGE: same(4004),
  INGEST_TRANSPORT_PROTOCOL: same(4005),
  INGEST_BUSY: same(4006),

  // Wire protocol (shared/src/wire): codes owned by the codec, numbered here.
  WIRE_UNKNOWN_TYPE: same(4100),
  WIRE_TOO_LARGE: same(4101),
  WIRE_TRUNCATED: same(4102),
  WIRE_TRAILING_BYTES: same(4103),
  WIRE_BAD_FIELD: same(4104),
  WIRE_UNDECLARED_TRACK: same(4105),
  WIRE_DUPLICATE_TRACK: same(4106),
  WIRE_TIMESTAMP_BACKWARDS: same(4107),
  WIRE_FIRST_FRAME_NOT_KEY: same(4108),
  WIRE_DUPLICATE_HELLO: same(4109),

  // Hello phase.
  INGEST_HELLO_TIMEOUT: same(4201),
  WIRE_EXPECTED_HELLO: same(4202),
  WIRE_BAD_VERSION: same(4203),

  AUTH_TOKEN_INVALID: same(4301),
  AUTH_TOKEN_EXPIRED: same(4302),
  AUTH_TOKEN_REUSED: same(4303),
  INGEST_SESSION_LIMIT: same(4304),
};

const areaFallback: Readonly<Record<string, number>> = { WIRE: 4199, AUTH: 4399, RELAY: 4599 };

/** Close codes for a registry code; unknown codes map to their area's generic number, else 4000. */
export function closeCodeFor(code: string): CloseCode {
  const exact = closeCodes[code];
  if (exact) return exact;
  const area = code.split('_', 1)[0] ?? '';
  return same(areaFallback[area] ?? 4000);
}

/** The registry code for a WebSocket close code, for clients that only saw the close (reverse lookup). */
export function codeForWebSocketClose(websocketCode: number): string | undefined {
  for (const [code, numbers] of Object.entries(closeCodes)) {
    if (numbers.websocket === websocketCode) return code;
  }
  return undefined;
}

/** The registry code for a WebTransport session error code (reverse lookup). */
export function codeForWebTransportClose(webtransportCode: number): string | undefined {
  for (const [code, numbers] of Object.entries(closeCodes)) {
    if (numbers.webtransport === webtransportCode) return code;
  }
  return undefined;
}

/**
 * The one error registry: every error the product reports, by `<AREA>_<WHAT>` code, with its HTTP
 * status, whether it ends the session (fatal), and the message a user sees. Each area keeps its
 * entries in its own block below; recovery is decided from this table in one place.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly fatal: boolean;
  readonly message: string;
}

export const errorRegistry = {
  // --- HTTP generic
  HTTP_BAD_REQUEST: { status: 400, fatal: false, message: 'The request is malformed.' },
  HTTP_NOT_FOUND: { status: 404, fatal: false, message: 'Not found.' },
  HTTP_INTERNAL: { status: 500, fatal: false, message: 'Something went wrong on our side.' },

  // --- WIRE (wire protocol decoding and validation; shared/src/wire)

  // --- AUTH / USER / DESTINATION / STREAM / PLAN (ingest API)

  // --- INGEST (transport sessions)

  // --- RELAY (media relay and destinations)
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorRegistry;

/** A product error as it crosses any boundary: a discriminated union on `code`. */
export interface AppErrorShape<C extends ErrorCode = ErrorCode> {
  readonly code: C;
  readonly message: string;
}

export const errorSpec = (code: ErrorCode): ErrorSpec => errorRegistry[code];

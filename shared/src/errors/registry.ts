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
  WIRE_UNKNOWN_TYPE: { status: 400, fatal: true, message: 'The connection sent a message of an unknown type.' },
  WIRE_TRUNCATED: { status: 400, fatal: true, message: 'A message ended before all of its fields arrived.' },
  WIRE_TRAILING_BYTES: { status: 400, fatal: true, message: 'A message carried bytes after its last field.' },
  WIRE_TOO_LARGE: { status: 413, fatal: true, message: 'A message is larger than the allowed maximum.' },
  WIRE_BAD_VERSION: { status: 426, fatal: true, message: 'The studio and the server speak different protocol versions. Reload the page.' },
  WIRE_BAD_FIELD: { status: 400, fatal: true, message: 'A message field has an invalid value.' },
  WIRE_UNDECLARED_TRACK: { status: 400, fatal: true, message: 'A frame arrived for a track that was never declared.' },
  WIRE_TIMESTAMP_BACKWARDS: { status: 400, fatal: true, message: 'Frame timestamps on a track did not increase.' },
  WIRE_FIRST_FRAME_NOT_KEY: { status: 400, fatal: true, message: 'The first video frame of a track was not a keyframe.' },
  WIRE_DUPLICATE_TRACK: { status: 400, fatal: true, message: 'A track id was declared twice.' },
  WIRE_EXPECTED_HELLO: { status: 400, fatal: true, message: 'The session must start with a hello message.' },
  WIRE_DUPLICATE_HELLO: { status: 400, fatal: true, message: 'The session sent hello more than once.' },

  // --- AUTH / USER / DESTINATION / STREAM / PLAN (ingest API)
  AUTH_INVALID_CREDENTIALS: { status: 401, fatal: false, message: 'Email or password is incorrect.' },
  AUTH_EMAIL_TAKEN: { status: 409, fatal: false, message: 'An account with this email already exists.' },
  AUTH_UNAUTHENTICATED: { status: 401, fatal: false, message: 'Sign in to continue.' },
  AUTH_REFRESH_INVALID: { status: 401, fatal: false, message: 'Your session has ended; sign in again.' },
  AUTH_REFRESH_REUSED: { status: 401, fatal: false, message: 'This session was used elsewhere and has been closed for safety; sign in again.' },
  AUTH_CSRF: { status: 403, fatal: false, message: 'The request is missing its CSRF header or comes from another origin.' },
  AUTH_RATE_LIMITED: { status: 429, fatal: false, message: 'Too many attempts; wait a minute and try again.' },
  AUTH_SESSION_REVOKED: { status: 401, fatal: false, message: 'This sign-in has ended (signed out or removed from another device); sign in again.' },
  AUTH_SESSION_NOT_FOUND: { status: 404, fatal: false, message: 'Sign-in session not found.' },
  AUTH_TOKEN_INVALID: { status: 401, fatal: true, message: 'The ingest token is invalid.' },
  AUTH_TOKEN_EXPIRED: { status: 401, fatal: true, message: 'The ingest token has expired; start the stream again.' },
  AUTH_TOKEN_REUSED: { status: 401, fatal: true, message: 'The ingest token was already used.' },
  USER_NOT_FOUND: { status: 404, fatal: false, message: 'Account not found.' },
  DESTINATION_NOT_FOUND: { status: 404, fatal: false, message: 'Destination not found.' },
  DESTINATION_URL_REQUIRED: { status: 400, fatal: false, message: 'This destination needs its RTMP or RTMPS URL (custom servers and TikTok have no preset).' },
  STREAM_SESSION_NOT_FOUND: { status: 404, fatal: false, message: 'Stream session not found.' },
  STREAM_DESTINATION_DISABLED: { status: 400, fatal: false, message: 'A selected destination is disabled.' },
  STREAM_RATE_LIMITED: { status: 429, fatal: false, message: 'Too many stream starts; wait a minute and try again.' },
  PLAN_DESTINATION_LIMIT: { status: 403, fatal: false, message: 'Your plan does not allow this many simultaneous destinations.' },
  PLAN_RESOLUTION_LIMIT: { status: 403, fatal: false, message: 'Your plan does not allow this resolution.' },
  PLAN_BITRATE_LIMIT: { status: 403, fatal: false, message: 'Your plan does not allow this video bitrate.' },
  PLAN_RECORDING_UNAVAILABLE: { status: 403, fatal: false, message: 'Cloud recording is not part of your plan.' },
  PLAN_STORAGE_LIMIT: { status: 403, fatal: false, message: 'Your plan\'s media storage is full; remove some media first.' },
  MEDIA_NOT_FOUND: { status: 404, fatal: false, message: 'Media file not found.' },
  MEDIA_TYPE_UNSUPPORTED: { status: 415, fatal: false, message: 'This file type is not supported; upload a PNG, JPEG, GIF or WebP image, or an MP4, MOV or WebM video.' },
  MEDIA_TOO_LARGE: { status: 413, fatal: false, message: 'The file is larger than your plan allows for one upload.' },
  MEDIA_EMPTY: { status: 400, fatal: false, message: 'The file is empty.' },
  MEDIA_RANGE_INVALID: { status: 416, fatal: false, message: 'The requested byte range is not part of the file.' },
  PLAN_CONCURRENT_SESSIONS: { status: 403, fatal: false, message: 'Your plan does not allow another simultaneous stream.' },

  // --- INGEST (transport sessions)
  INGEST_HELLO_TIMEOUT: { status: 408, fatal: true, message: 'No hello message arrived in time; the session was closed.' },
  INGEST_UNEXPECTED_MESSAGE: { status: 400, fatal: true, message: 'The publisher sent a message that only the server sends.' },
  INGEST_TRANSPORT_PROTOCOL: { status: 400, fatal: true, message: 'The connection broke its transport protocol (WebSocket or WebTransport framing).' },
  INGEST_BUSY: { status: 503, fatal: true, message: 'The ingest is busy accepting other connections; retry shortly.' },
  INGEST_SESSION_LIMIT: { status: 429, fatal: true, message: 'Too many live sessions for this account.' },
  INGEST_BINARY_ONLY: { status: 415, fatal: true, message: 'The ingest accepts binary messages only.' },
  INGEST_KEEPALIVE_TIMEOUT: { status: 408, fatal: true, message: 'The publisher stopped answering keepalive pings.' },
  INGEST_SHUTTING_DOWN: { status: 503, fatal: true, message: 'The ingest is shutting down; reconnect shortly.' },
  INGEST_SESSION_ENDED: { status: 200, fatal: true, message: 'The live session has ended.' },
  INGEST_INTERNAL: { status: 500, fatal: true, message: 'The ingest failed to handle this session.' },

  // --- RELAY (media relay and destinations)
  RELAY_UNSUPPORTED_CODEC: { status: 400, fatal: true, message: 'This codec cannot be relayed; send H.264 video with Opus or AAC audio.' },
  RELAY_FFMPEG_NOT_FOUND: { status: 500, fatal: true, message: 'FFmpeg is not available on the server.' },
  RELAY_FFMPEG_FAILED: { status: 500, fatal: true, message: 'The media relay stopped unexpectedly.' },
  RELAY_SESSION_STOPPED: { status: 200, fatal: true, message: 'The stream was stopped.' },
  RELAY_SHUTTING_DOWN: { status: 503, fatal: true, message: 'The relay is shutting down; reconnect in a moment.' },
  RELAY_SESSION_NOT_FOUND: { status: 404, fatal: false, message: 'No live session with this id.' },
  RELAY_DESTINATION_EXISTS: { status: 409, fatal: false, message: 'This destination is already part of the session.' },
  RELAY_DESTINATION_NOT_FOUND: { status: 404, fatal: false, message: 'This destination is not part of the session.' },
  RELAY_DESTINATION_URL_INVALID: { status: 400, fatal: false, message: 'The destination URL is not a valid rtmp:// or rtmps:// URL.' },
  RELAY_DESTINATION_REFUSED: { status: 502, fatal: false, message: 'The destination refused the connection.' },
  RELAY_DESTINATION_TIMEOUT: { status: 504, fatal: false, message: 'The destination did not answer in time.' },
  RELAY_DESTINATION_STALLED: { status: 504, fatal: false, message: 'The destination stopped accepting data.' },
  RELAY_DESTINATION_REJECTED: { status: 502, fatal: false, message: 'The destination rejected the stream (check the stream key).' },
  RELAY_DESTINATION_CLOSED: { status: 502, fatal: false, message: 'The destination closed the connection.' },
  // --- STUDIO (browser engine; web/src/pipeline — status is the nearest HTTP meaning, for logs)
  STUDIO_WORKER_CRASHED: { status: 500, fatal: true, message: 'The studio engine stopped unexpectedly.' },
  STUDIO_ENCODER_FAILED: { status: 500, fatal: true, message: 'The video or audio encoder failed.' },
  STUDIO_CAPTURE_FAILED: { status: 400, fatal: false, message: 'A camera, microphone, screen or file could not be captured.' },
  STUDIO_TRANSPORT_FAILED: { status: 503, fatal: false, message: 'The connection to the ingest failed; reconnecting.' },
  STUDIO_RECORDING_FAILED: { status: 500, fatal: false, message: 'The local recording failed.' },
  STUDIO_INGEST_ERROR: { status: 502, fatal: false, message: 'The ingest reported an error.' },
  STUDIO_OUTPUT_IGNORED: { status: 409, fatal: false, message: 'The new output settings were not applied: the encoders are already running for a recording, so the stream uses the recording\'s settings.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorRegistry;

/** A product error as it crosses any boundary: a discriminated union on `code`. */
export interface AppErrorShape<C extends ErrorCode = ErrorCode> {
  readonly code: C;
  readonly message: string;
}

export const errorSpec = (code: ErrorCode): ErrorSpec => errorRegistry[code];

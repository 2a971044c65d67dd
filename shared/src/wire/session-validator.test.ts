import { describe, expect, it } from 'vitest';
import { WireSessionValidator } from './session-validator.ts';
import { WireDecoder } from './wire-decoder.ts';
import { encodeMessage } from './encode.ts';
import { micro } from '../time.ts';
import type { WireMessage } from './messages.ts';
import { sessionCases } from './wire-cases.fixture.ts';

const firstRejection = (validator: WireSessionValidator, messages: readonly WireMessage[]) => {
  for (const [at, message] of messages.entries()) {
    const error = validator.check(message);
    if (error) return { at, code: error.code };
  }
  return null;
};

describe('WireSessionValidator on the session table', () => {
  it.each(sessionCases)('$name', ({ options, messages, rejects }) => {
    expect(firstRejection(new WireSessionValidator(options), messages)).toEqual(rejects);
  });

  it.each(sessionCases)('$name — same result after encoding and 1-byte incremental decoding', ({ options, messages, rejects }) => {
    const decoder = new WireDecoder();
    const decoded: WireMessage[] = [];
    for (const bytes of messages.map((m) => encodeMessage(m))) {
      for (let i = 0; i < bytes.length; i++) {
        for (const item of decoder.push(bytes.subarray(i, i + 1))) {
          if (!item.ok) throw new Error(item.error.code);
          decoded.push(item.message);
        }
      }
    }
    expect(firstRejection(new WireSessionValidator(options), decoded)).toEqual(rejects);
  });
});

describe('WireSessionValidator state', () => {
  it('does not apply a rejected message', () => {
    const validator = new WireSessionValidator({ expectHelloFirst: true });
    const frame = (timestamp: number, keyframe: boolean): WireMessage => ({
      type: 'frame', trackId: 1, timestamp: micro(timestamp), duration: micro(0), keyframe, payload: new Uint8Array(0),
    });
    expect(validator.check({ type: 'track', kind: 'video', trackId: 1, codec: 'avc1.42c01f', description: new Uint8Array(0), width: 2, height: 2, framerate: 30 })?.code)
      .toBe('WIRE_EXPECTED_HELLO');
    expect(validator.trackKind(1)).toBeUndefined();
    expect(validator.check({ type: 'hello', version: 99, token: 't' })?.code).toBe('WIRE_BAD_VERSION');
    expect(validator.check({ type: 'hello', version: 1, token: 't' })).toBeUndefined();
    expect(validator.check({ type: 'track', kind: 'video', trackId: 1, codec: 'avc1.42c01f', description: new Uint8Array(0), width: 2, height: 2, framerate: 30 }))
      .toBeUndefined();
    expect(validator.trackKind(1)).toBe('video');
    expect(validator.check(frame(10, false))?.code).toBe('WIRE_FIRST_FRAME_NOT_KEY');
    expect(validator.check(frame(10, true))).toBeUndefined();
    expect(validator.check(frame(5, false))?.code).toBe('WIRE_TIMESTAMP_BACKWARDS');
    expect(validator.check(frame(11, false))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { encodeFrameHeader, encodeMessage, frameHeaderBytes, writeFrameHeader } from './encode.ts';
import { decodeMessage } from './decode.ts';
import { FRAME_HEADER_BYTES } from './layout.ts';
import { WireEncodeError, isWireErrorCode } from './wire-error.ts';
import { encodeErrorCases, fromHex, invalidCases, toHex, validCases } from './wire-cases.fixture.ts';

const decodeOrFail = (bytes: Uint8Array) => {
  const result = decodeMessage(bytes);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.message;
};

describe('wire codec: valid cases', () => {
  it.each(validCases)('encodes $name to the exact bytes', ({ message, hex }) => {
    expect(toHex(encodeMessage(message))).toBe(hex);
  });

  it.each(validCases)('decodes $name', ({ message, hex }) => {
    expect(decodeOrFail(fromHex(hex))).toEqual(message);
  });

  it.each(validCases)('round-trips $name byte-exactly', ({ hex }) => {
    expect(toHex(encodeMessage(decodeOrFail(fromHex(hex))))).toBe(hex);
  });

  it('decodes byte fields as views into the input, without copying', () => {
    const bytes = encodeMessage({ type: 'frame', trackId: 1, timestamp: 0 as never, duration: 0 as never, keyframe: true, payload: fromHex('0102') });
    const message = decodeOrFail(bytes);
    expect(message.type === 'frame' && message.payload.buffer).toBe(bytes.buffer);
  });

  it.each(validCases.filter((c) => c.message.type === 'frame'))('frame header + payload equals the whole frame: $name', ({ message, hex }) => {
    if (message.type !== 'frame') throw new Error('filtered to frames');
    const header = encodeFrameHeader({ ...message, payloadLength: message.payload.length });
    // 4 more bytes with a compositionOffset, the same 19 as before without one.
    expect(header.length).toBe(FRAME_HEADER_BYTES + (message.compositionOffset === undefined ? 0 : 4));
    expect(frameHeaderBytes(message)).toBe(header.length);
    expect(toHex(header) + toHex(message.payload)).toBe(hex);
    const target = new Uint8Array(header.length + 3);
    writeFrameHeader(target, 3, { ...message, payloadLength: message.payload.length });
    expect(toHex(target.subarray(3))).toBe(toHex(header));
  });
});

describe('wire codec: invalid bytes', () => {
  it.each(invalidCases)('rejects $name with $code', ({ hex, code, maxMessageBytes }) => {
    const result = decodeMessage(fromHex(hex), maxMessageBytes === undefined ? undefined : { maxMessageBytes });
    expect(result.ok ? 'ok' : result.error.code).toBe(code);
    if (!result.ok) expect(isWireErrorCode(result.error.code)).toBe(true);
  });

  it('never echoes string contents in error details', () => {
    const result = decodeMessage(fromHex('0000000a 01 0001 0005 736563726574 00'.replace(/ /g, '')));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).not.toContain('secret');
  });
});

describe('wire codec: encoder refuses what it cannot encode exactly', () => {
  it.each(encodeErrorCases)('$name → $code', ({ message, code, maxMessageBytes }) => {
    let thrown: unknown;
    try {
      encodeMessage(message, maxMessageBytes === undefined ? undefined : { maxMessageBytes });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WireEncodeError);
    expect((thrown as WireEncodeError).code).toBe(code);
  });
});

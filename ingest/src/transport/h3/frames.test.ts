import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameReader, FrameType, SettingId, decodeGoaway, decodeSettings, encodeFrame, encodeGoaway, encodeSettings, readFrame } from './frames.ts';
import { H3Error, H3ErrorCode } from './errors.ts';
import { CapsuleType, decodeCloseSession, encodeCapsule, encodeCloseSession, readCapsule } from './capsules.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const frameCases = [
  { type: FrameType.DATA, payload: '', bytes: '0000' },
  { type: FrameType.HEADERS, payload: '0000d9', bytes: '01030000d9' },
  { type: FrameType.SETTINGS, payload: '0100', bytes: '04020100' },
  { type: FrameType.GOAWAY, payload: '04', bytes: '070104' },
  { type: 0x21, payload: 'aabb', bytes: '2102aabb' }, // reserved type (RFC 9114 §7.2.8)
];

describe('HTTP/3 frames (RFC 9114 §7)', () => {
  it.each(frameCases)('encodes and decodes type 0x$type', ({ type, payload, bytes }) => {
    expect(toHex(encodeFrame(type, hex(payload)))).toBe(bytes);
    const read = readFrame(hex(bytes), 0, 1024);
    expect(read && { type: read.frame.type, payload: toHex(read.frame.payload), next: read.next }).toEqual({ type, payload, next: bytes.length / 2 });
  });

  it('reassembles frames split at every byte boundary', () => {
    const all = hex(frameCases.map((c) => c.bytes).join(''));
    const reader = new FrameReader(1024);
    const types: number[] = [];
    for (const byte of all) {
      reader.push(Uint8Array.of(byte));
      for (let frame = reader.next(); frame; frame = reader.next()) types.push(frame.type);
    }
    expect(types).toEqual(frameCases.map((c) => c.type));
    expect(reader.pendingBytes).toBe(0);
  });

  it('refuses a declared length above the cap before buffering it', () => {
    expect(() => readFrame(hex('00 80100000'), 0, 1024)).toThrow(expect.objectContaining({ code: H3ErrorCode.EXCESSIVE_LOAD }));
  });

  it('encodes the server SETTINGS Chromium needs, and decodes them back', () => {
    const settings = new Map([
      [SettingId.QPACK_MAX_TABLE_CAPACITY, 0], [SettingId.ENABLE_CONNECT_PROTOCOL, 1],
      [SettingId.H3_DATAGRAM, 1], [SettingId.ENABLE_WEBTRANSPORT, 1],
    ]);
    const payload = encodeSettings(settings);
    expect(toHex(payload)).toBe('0100' + '0801' + '3301' + 'ab60374201');
    expect(decodeSettings(payload)).toEqual(settings);
  });

  it('refuses duplicate and HTTP/2-only settings, and truncated pairs', () => {
    expect(() => decodeSettings(hex('0100 0100'))).toThrow(expect.objectContaining({ code: H3ErrorCode.SETTINGS_ERROR }));
    expect(() => decodeSettings(hex('0201'))).toThrow(expect.objectContaining({ code: H3ErrorCode.SETTINGS_ERROR }));
    expect(() => decodeSettings(hex('06'))).toThrow(expect.objectContaining({ code: H3ErrorCode.FRAME_ERROR }));
  });

  it('round-trips GOAWAY', () => {
    const read = readFrame(encodeGoaway(1234), 0, 64);
    expect(read && decodeGoaway(read.frame.payload)).toBe(1234);
    expect(() => decodeGoaway(hex('0400'))).toThrow(H3Error);
  });

  it('never throws anything but H3Error on random or mutated streams, and always terminates (fuzz)', () => {
    const seed = hex(frameCases.map((c) => c.bytes).join('') + '0409' + '0100' + '0801' + 'ab60374201');
    const mutated = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
      const copy = Uint8Array.from(seed);
      copy[at % copy.length] = byte;
      return copy;
    });
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 256 }), mutated), fc.integer({ min: 1, max: 17 }), (bytes, step) => {
      const reader = new FrameReader(512);
      try {
        for (let at = 0; at < bytes.length; at += step) {
          reader.push(bytes.subarray(at, at + step));
          for (let frame = reader.next(); frame; frame = reader.next()) {
            if (frame.type === FrameType.SETTINGS) decodeSettings(frame.payload);
            if (frame.type === FrameType.GOAWAY) decodeGoaway(frame.payload);
          }
        }
      } catch (error) {
        expect(error).toBeInstanceOf(H3Error);
      }
    }), { numRuns: 2000 });
  });
});

describe('capsules (RFC 9297 §3.2, draft-ietf-webtrans-http3-02 §5)', () => {
  it('encodes CLOSE_WEBTRANSPORT_SESSION as type 0x2843, u32 code, UTF-8 reason', () => {
    const bytes = encodeCloseSession({ code: 4301, reason: 'bad token' });
    expect(toHex(bytes)).toBe('6843' + '0d' + '000010cd' + Buffer.from('bad token').toString('hex'));
    const read = readCapsule(bytes, 0, 2048);
    expect(read?.capsule.type).toBe(CapsuleType.CLOSE_WEBTRANSPORT_SESSION);
    expect(read && decodeCloseSession(read.capsule.value)).toEqual({ code: 4301, reason: 'bad token' });
  });

  it('truncates a long reason to 1024 bytes and refuses malformed close values', () => {
    const read = readCapsule(encodeCloseSession({ code: 1, reason: 'x'.repeat(5000) }), 0, 4096);
    expect(read && decodeCloseSession(read.capsule.value).reason.length).toBe(1024);
    expect(() => decodeCloseSession(hex('0102'))).toThrow(H3Error);
  });

  it('waits for a whole capsule and caps its size', () => {
    const bytes = encodeCapsule(CapsuleType.DRAIN_WEBTRANSPORT_SESSION, new Uint8Array(0));
    expect(readCapsule(bytes.subarray(0, 2), 0, 16)).toBeUndefined();
    expect(readCapsule(bytes, 0, 16)?.next).toBe(bytes.length);
    expect(() => readCapsule(encodeCapsule(0x00, new Uint8Array(100)), 0, 16)).toThrow(H3Error);
  });
});

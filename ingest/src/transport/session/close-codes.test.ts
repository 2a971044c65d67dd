import { describe, expect, it } from 'vitest';
import { errorRegistry } from '@streamhub/shared';
import { closeCodeFor, closeCodes, codeForWebSocketClose } from './close-codes.ts';

describe('close codes', () => {
  it('maps every INGEST_ registry code to its own close code, and every WIRE_ code into 41xx (or the hello range)', () => {
    const codes = Object.keys(errorRegistry);
    for (const code of codes.filter((c) => c.startsWith('INGEST_'))) expect(closeCodes[code], code).toBeDefined();
    for (const code of codes.filter((c) => c.startsWith('WIRE_'))) {
      expect(Math.floor(closeCodeFor(code).websocket / 100), code).toBeOneOf([41, 42]);
    }
  });

  it('uses distinct, valid numbers (RFC 6455 §7.4: 1000/1001 or the private 4000–4999 range)', () => {
    const numbers = Object.values(closeCodes).map((c) => c.websocket);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const n of numbers) expect(n === 1000 || n === 1001 || (n >= 4000 && n <= 4999)).toBe(true);
    for (const c of Object.values(closeCodes)) expect(c.webtransport).toBeLessThan(2 ** 32);
  });

  it('falls back to the area range for codes without a row, and maps back from WebSocket codes', () => {
    expect(closeCodeFor('WIRE_SOMETHING_NEW').websocket).toBe(4199);
    expect(closeCodeFor('AUTH_SOMETHING').websocket).toBe(4399);
    expect(closeCodeFor('WHATEVER').websocket).toBe(4000);
    expect(codeForWebSocketClose(4303)).toBe('AUTH_TOKEN_REUSED');
    expect(codeForWebSocketClose(1234)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { StreamKeyCipher } from './stream-key-cipher.ts';

const id = '6f1c0d2e-8a55-4c39-9d0c-3b2f51f0a001';

describe('StreamKeyCipher', () => {
  it('round-trips and never stores the key in clear', () => {
    const cipher = new StreamKeyCipher('a'.repeat(32));
    const encrypted = cipher.encrypt('live_secret_key_1234', id);
    expect(encrypted.ciphertext).not.toContain('live_secret');
    expect(cipher.decrypt(encrypted, id)).toBe('live_secret_key_1234');
  });
  it('fails on another row id (AAD) and on tampering', () => {
    const cipher = new StreamKeyCipher('a'.repeat(32));
    const encrypted = cipher.encrypt('live_secret_key_1234', id);
    expect(() => cipher.decrypt(encrypted, '00000000-0000-4000-8000-000000000000')).toThrow(/authentication/);
    const bytes = Buffer.from(encrypted.ciphertext, 'base64url');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => cipher.decrypt({ ...encrypted, ciphertext: bytes.toString('base64url') }, id)).toThrow(/authentication/);
  });
  it('decrypts with a previous secret after rotation and encrypts with the new one', () => {
    const old = new StreamKeyCipher('o'.repeat(32));
    const encrypted = old.encrypt('key-old-9999', id);
    const rotated = new StreamKeyCipher('n'.repeat(32), ['o'.repeat(32)]);
    expect(rotated.decrypt(encrypted, id)).toBe('key-old-9999');
    expect(rotated.encrypt('x1234', id).keyId).toBe(rotated.currentKeyId);
    expect(rotated.currentKeyId).not.toBe(encrypted.keyId);
    expect(() => new StreamKeyCipher('n'.repeat(32)).decrypt(encrypted, id)).toThrow(/unknown key id/);
  });
});

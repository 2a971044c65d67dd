import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const ivBytes = 12; // NIST SP 800-38D §8.2: 96-bit IVs, random per encryption
const tagBytes = 16;

interface Key {
  readonly id: string;
  readonly key: Buffer;
}

function deriveKey(secret: string): Key {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'streamhub/stream-key/v1', 32));
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

export interface EncryptedStreamKey {
  /** base64url(iv ‖ tag ‖ ciphertext). */
  readonly ciphertext: string;
  /** Which key encrypted it (first 16 hex digits of SHA-256 of the derived key). */
  readonly keyId: string;
}

/**
 * AES-256-GCM for stream keys at rest. The destination id is the additional authenticated data, so
 * a ciphertext copied onto another row fails to decrypt.
 *
 * Rotation: set STREAM_KEY_SECRET to the new secret and move the old one to
 * STREAM_KEY_SECRETS_PREVIOUS. Rows keep decrypting by their stored key id; each is re-encrypted with
 * the current key when its key is next written, or all at once with `DestinationRepository.reencryptAll`.
 * Drop the old secret once no row references its key id.
 */
export class StreamKeyCipher {
  readonly #current: Key;
  readonly #byId: ReadonlyMap<string, Key>;

  constructor(currentSecret: string, previousSecrets: readonly string[] = []) {
    this.#current = deriveKey(currentSecret);
    this.#byId = new Map([...previousSecrets.map(deriveKey), this.#current].map((k) => [k.id, k]));
  }

  get currentKeyId(): string {
    return this.#current.id;
  }

  encrypt(streamKey: string, destinationId: string): EncryptedStreamKey {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv, { authTagLength: tagBytes });
    cipher.setAAD(Buffer.from(destinationId));
    const body = Buffer.concat([cipher.update(streamKey, 'utf8'), cipher.final()]);
    return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url'), keyId: this.#current.id };
  }

  /** Throws (without the key or ciphertext in the message) when the key id is unknown or the data was altered. */
  decrypt(encrypted: EncryptedStreamKey, destinationId: string): string {
    const key = this.#byId.get(encrypted.keyId);
    if (key === undefined) throw new Error(`stream key encrypted with unknown key id ${encrypted.keyId}`);
    const raw = Buffer.from(encrypted.ciphertext, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key.key, raw.subarray(0, ivBytes), { authTagLength: tagBytes });
    decipher.setAAD(Buffer.from(destinationId));
    decipher.setAuthTag(raw.subarray(ivBytes, ivBytes + tagBytes));
    try {
      return Buffer.concat([decipher.update(raw.subarray(ivBytes + tagBytes)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('stream key failed authentication (altered data or wrong key)');
    }
  }
}

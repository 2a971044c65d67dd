import { hash, verify } from '@node-rs/argon2';

/** argon2id (the package's default algorithm) with its default cost: 19 MiB, 2 passes (OWASP minimum). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified against when the email is unknown, so both failures cost the same (no account enumeration
// by timing). Same parameters as hashPassword; the password it hashes is irrelevant.
const timingEqualiserHash = '$argon2id$v=19$m=19456,t=2,p=1$TDoj3xubZyqtl0pTETvNJA$dn6hHFTkXPIKLWYYwzWo5TGpn8O2DDCVH+FnD3ceWxs';

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  try {
    const ok = await verify(passwordHash ?? timingEqualiserHash, password);
    return passwordHash !== undefined && ok;
  } catch {
    return false;
  }
}

import { createHmac } from 'node:crypto';

/**
 * The form of a case reference that is hashed: Unicode NFKC, upper case, without spaces. Partners type the same
 * number as "ma-2020 / 0123" or "MA-2020/0123"; both must give one key. Punctuation is kept: it can tell numbers apart.
 */
export function normaliseCaseReference(reference: string): string {
  return reference.normalize('NFKC').toUpperCase().replace(/\s+/g, '');
}

/**
 * Turns case references into keyring lookup keys (hex HMAC-SHA-256); the secret stays inside the closure. A lookup
 * key never leaves the service: records carry the keyring's random pseudonym instead (keyring.ts).
 */
export function createKeyMaker(secret: string) {
  return (reference: string): string =>
    createHmac('sha256', secret).update(normaliseCaseReference(reference), 'utf8').digest('hex');
}
/** A case reference in, its lookup key out; undefined where list mode is disabled. */
export type KeyMaker = ReturnType<typeof createKeyMaker>;

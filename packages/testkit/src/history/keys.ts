import { createHash } from 'node:crypto';

/** A 64-hex pseudonymous beneficiary key, as the assistance service's HMAC would make (stable per seed and index). */
export const beneficiaryKey = (seed: number, i: number) =>
  createHash('sha256').update(`history-${seed}-${i}`).digest('hex');

/** YYYY-MM-DD of a day offset from a start date. */
export const dayAfter = (start: string, days: number) =>
  new Date(Date.parse(start) + days * 86_400_000).toISOString().slice(0, 10);

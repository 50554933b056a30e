import { describe, expect, it } from 'vitest';
import { createKeyMaker, normaliseCaseReference } from './keys.js';

const SECRET = 'unit-test-secret-unit-test-secret-0123';

describe('beneficiary keys', () => {
  const keyOf = createKeyMaker(SECRET);

  it('are 64 hex digits, stable for one reference and one secret', () => {
    expect(keyOf('CASE-RABAT-000123')).toMatch(/^[0-9a-f]{64}$/);
    expect(keyOf('CASE-RABAT-000123')).toBe(keyOf('CASE-RABAT-000123'));
  });

  it('ignore case, spaces and Unicode compatibility forms, but not punctuation', () => {
    expect(normaliseCaseReference(' ma-2020 / 0123 ')).toBe('MA-2020/0123');
    expect(keyOf('ma-2020 / 0123')).toBe(keyOf('MA-2020/0123'));
    expect(keyOf('ＭＡ-2020/0123')).toBe(keyOf('MA-2020/0123'));
    expect(keyOf('MA-2020-0123')).not.toBe(keyOf('MA-2020/0123'));
  });

  it('differ between references and between secrets, and do not contain the reference', () => {
    expect(keyOf('CASE-1')).not.toBe(keyOf('CASE-2'));
    expect(createKeyMaker(`${SECRET}-other`)('CASE-1')).not.toBe(keyOf('CASE-1'));
    expect(keyOf('CASE-1')).not.toContain('CASE');
  });
});

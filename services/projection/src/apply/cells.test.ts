import { describe, expect, it } from 'vitest';
import { FactKind } from '../facts/facts.js';
import { N, partsOf, rowsOf, withPart, type Cell } from './cells.js';

const person = (key: string | undefined, sex: string, value = 1) => ({
  kind: FactKind.Beneficiaries,
  businessDate: '2020-03-10',
  deliveryId: 'd1',
  partnerId: 'p1',
  sex,
  vulnerability: ['victim_of_trafficking'],
  ...(key ? { key } : {}),
  value,
});

describe('cells', () => {
  it('group a source’s facts by tuple, with one row per key and one for facts without a key', () => {
    const parts = partsOf('MA', 'delivery:d1:people', 7, [
      person('k1', 'female'),
      person('k1', 'female'),
      person('k2', 'female'),
      person(undefined, 'female', 4),
      person('k3', 'male'),
    ]);
    expect(parts.size).toBe(2);
    const [female, male] = [...parts.values()].sort((a, b) => String(a.head.sex).localeCompare(String(b.head.sex)));
    expect(female!.head).toMatchObject({
      country: 'MA',
      kind: FactKind.Beneficiaries,
      month: '2020-03',
      sex: 'female',
    });
    expect(female!.part.rows).toEqual([
      { businessDate: '2020-03-10', deliveryId: 'd1', key: 'k1', [N]: 2, value: 2 },
      { businessDate: '2020-03-10', deliveryId: 'd1', key: 'k2', [N]: 1, value: 1 },
      { businessDate: '2020-03-10', deliveryId: 'd1', [N]: 1, value: 4 },
    ]);
    expect(male!.part).toMatchObject({ source: 'delivery:d1:people', seq: 7 });
  });

  it('leave reference kinds (partners, frameworks) to facts', () => {
    expect(
      partsOf('MA', 'partner:p1', 1, [{ kind: FactKind.Partner, businessDate: '2020-01-01', value: 1 }]).size,
    ).toBe(0);
  });

  it('give the same cell whatever the order parts arrive in, twice or not, and never let an older event win', () => {
    const [one] = partsOf('MA', 'a', 1, [person('k1', 'female')]).values();
    const [two] = partsOf('MA', 'b', 2, [person('k2', 'female')]).values();
    const [newer] = partsOf('MA', 'a', 5, [person('k9', 'female')]).values();
    const empty: Cell = { ...one!.head, parts: [] };
    const ab = withPart(withPart(empty, 'a', 1, one!.part), 'b', 2, two!.part);
    const ba = withPart(withPart(withPart(empty, 'b', 2, two!.part), 'a', 1, one!.part), 'b', 2, two!.part);
    expect(ba).toEqual(ab);
    const replaced = withPart(ab, 'a', 5, newer!.part);
    expect(withPart(replaced, 'a', 1, one!.part)).toBe(replaced);
    expect(withPart(replaced, 'a', 5, undefined, true)).toBe(replaced);
    expect(withPart(replaced, 'a', 6, undefined, true).parts.map((p) => p.source)).toEqual(['b']);
    expect(withPart(ab, 'c', 3, undefined)).toBe(ab);
  });

  it('expand into rows carrying the tuple and the row fields', () => {
    const [c] = partsOf('MA', 'a', 1, [person('k1', 'female')]).values();
    expect(rowsOf({ ...c!.head, parts: [c!.part] })).toEqual([
      {
        country: 'MA',
        kind: FactKind.Beneficiaries,
        partnerId: 'p1',
        sex: 'female',
        vulnerability: ['victim_of_trafficking'],
        businessDate: '2020-03-10',
        deliveryId: 'd1',
        key: 'k1',
        value: 1,
        [N]: 1,
      },
    ]);
  });
});

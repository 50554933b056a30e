import { describe, expect, it } from 'vitest';
import { FactKind } from '../facts/facts.js';
import { cellOf, N, partsOf, rowsOf, withPart, type Cell } from './cells.js';

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
  it('group a source’s facts by country, kind and month, with one row per equal fields (key, sex…)', () => {
    const parts = partsOf('MA', 'delivery:d1:people', 7, [
      person('k1', 'female'),
      person('k1', 'female'),
      person('k2', 'female'),
      person(undefined, 'female', 4),
      person('k3', 'male'),
      { ...person('k4', 'male'), businessDate: '2020-04-01' },
    ]);
    expect([...parts.keys()]).toEqual([`MA|${FactKind.Beneficiaries}|2020-03`, `MA|${FactKind.Beneficiaries}|2020-04`]);
    const march = parts.get(`MA|${FactKind.Beneficiaries}|2020-03`)!;
    expect(march.head).toEqual({
      _id: `MA|${FactKind.Beneficiaries}|2020-03`,
      country: 'MA',
      kind: FactKind.Beneficiaries,
      month: '2020-03',
    });
    const fields = {
      businessDate: '2020-03-10',
      deliveryId: 'd1',
      partnerId: 'p1',
      vulnerability: ['victim_of_trafficking'],
    };
    expect(march.part.rows).toEqual([
      { ...fields, sex: 'female', key: 'k1', [N]: 2, value: 2 },
      { ...fields, sex: 'female', key: 'k2', [N]: 1, value: 1 },
      { ...fields, sex: 'female', [N]: 1, value: 4 },
      { ...fields, sex: 'male', key: 'k3', [N]: 1, value: 1 },
    ]);
    expect(march.part).toMatchObject({ source: 'delivery:d1:people', seq: 7 });
    expect(cellOf(march.head._id)).toEqual({ country: 'MA', kind: FactKind.Beneficiaries, month: '2020-03' });
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

  it('expand into rows carrying the country, the kind and the row fields', () => {
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

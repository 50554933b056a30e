import { describe, expect, it } from 'vitest';
import { FactKind } from '../facts/facts.js';
import {
  CELL_PAGES,
  cellOf,
  cellUpdates,
  N,
  pageOf,
  partKey,
  partsIn,
  partsOf,
  rowsOf,
  type CellDoc,
} from './cells.js';

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
    const page = pageOf(FactKind.Beneficiaries, 'delivery:d1:people');
    expect([...parts.keys()]).toEqual([
      `MA|${FactKind.Beneficiaries}|2020-03|${page}`,
      `MA|${FactKind.Beneficiaries}|2020-04|${page}`,
    ]);
    const march = parts.get(`MA|${FactKind.Beneficiaries}|2020-03|${page}`)!;
    expect(march.head).toEqual({
      _id: `MA|${FactKind.Beneficiaries}|2020-03|${page}`,
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
    expect(cellOf(march.head._id)).toEqual({
      country: 'MA',
      kind: FactKind.Beneficiaries,
      month: '2020-03',
      page: String(page),
    });
  });

  it('leave reference kinds (partners, frameworks) to facts', () => {
    expect(
      partsOf('MA', 'partner:p1', 1, [{ kind: FactKind.Partner, businessDate: '2020-01-01', value: 1 }]).size,
    ).toBe(0);
  });

  it('are updated by setting the new parts and unsetting the replaced ones in the cells they were in, never the event’s own', () => {
    const [now] = partsOf('MA', 'a', 5, [person('k9', 'female')]).entries();
    const updates = cellUpdates([
      {
        source: 'a',
        seq: 5,
        parts: new Map([now!]),
        drop: new Map([
          [1, ['MA|x|2020-01']],
          [3, [now![0], 'MA|x|2020-01']],
          [5, ['MA|x|2020-02']],
        ]),
      },
      { source: 'b', seq: 2, parts: new Map(), drop: new Map([[1, ['MA|x|2020-01']]]) },
      { source: 'c', seq: 1, parts: new Map(), drop: new Map() },
    ]);
    expect([...updates.keys()]).toEqual([now![0], 'MA|x|2020-01']);
    expect(updates.get(now![0])).toEqual({ head: now![1].head, set: { 'a@5': now![1].part }, unset: ['a@3'] });
    expect(updates.get('MA|x|2020-01')).toEqual({ set: {}, unset: ['a@1', 'a@3', 'b@1'] });
  });

  it('show the newest part of each source, in source order, whatever order the fields were written in', () => {
    const part = (source: string, seq: number) => ({ source, seq, rows: [{ [N]: seq }] });
    const cell: CellDoc = {
      _id: 'MA|x|2020-01',
      country: 'MA',
      kind: 'x',
      month: '2020-01',
      // A dead process's late write may leave an older event's part beside the newest until the sweep.
      parts: { 'b@2': part('b', 2), 'a@7': part('a', 7), 'a@3': part('a', 3) },
    };
    expect(partsIn(cell).parts).toEqual([part('a', 7), part('b', 2)]);
    expect(rowsOf(cell).map((r) => r[N])).toEqual([7, 2]);
  });

  it('spread the sources of a large kind over its pages, each source always on the same page', () => {
    const pages = new Map<number, number>();
    for (let i = 0; i < 4000; i++) {
      const p = pageOf(FactKind.Beneficiaries, `delivery:${i}:people`);
      pages.set(p, (pages.get(p) ?? 0) + 1);
    }
    expect([...pages.keys()].sort()).toEqual(Array.from({ length: CELL_PAGES[FactKind.Beneficiaries]! }, (_, i) => i));
    for (const n of pages.values()) expect(n).toBeGreaterThan(4000 / 8 / 1.3);
    expect(pageOf(FactKind.Beneficiaries, 'delivery:7:people')).toBe(
      pageOf(FactKind.Beneficiaries, 'delivery:7:people'),
    );
    expect(pageOf(FactKind.Agreements, 'agreement:a1')).toBe(0);
  });

  it('name parts so that no source name reads as a path or an operator', () => {
    expect(partKey('delivery:x.y$z%:people', 4)).toBe('delivery:x%2ey%24z%25:people@4');
    expect(partKey('a.b', 1)).not.toBe(partKey('a%2eb', 1));
  });

  it('expand into rows carrying the country, the kind and the row fields', () => {
    const [c] = partsOf('MA', 'a', 1, [person('k1', 'female')]).values();
    expect(rowsOf({ ...c!.head, parts: { 'a@1': c!.part } })).toEqual([
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

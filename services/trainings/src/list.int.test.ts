import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testToken } from '@passerelle/testkit';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
let everywhere: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness('trainings_list');
  everywhere = await testToken(['trainings:write', 'trainings:read'], ['*']);
  const plan = async (name: string, o: Record<string, unknown>) => {
    ids[name] = (await h.ok('POST', '/trainings', { ...base, ...o }, { token: everywhere })).id;
  };
  await plan('oujda', {
    startDate: '2019-11-04',
    endDate: '2019-11-05',
    place: { country: 'MA', region: 'Oriental', city: 'Oujda' },
    topics: ['trafficking_in_persons'],
    partnerIds: ['p-council-oriental'],
  });
  await plan('rabat', {
    startDate: '2020-01-20',
    endDate: '2020-01-22',
    topics: ['trafficking_in_persons', 'unaccompanied_children'],
    partnerIds: ['p-onde'],
  });
  await plan('tanger', {
    startDate: '2020-06-15',
    endDate: '2020-06-15',
    place: { country: 'MA', region: 'Tanger-Tétouan-Al Hoceïma', city: 'Tanger' },
  });
  await plan('tunis', {
    startDate: '2020-02-03',
    endDate: '2020-02-04',
    place: { country: 'TN', region: 'Tunis' },
    partnerIds: ['p-onde'],
  });
  await h.ok('POST', `/trainings/${ids.rabat}/held`, { version: 1 }, { token: everywhere });
  await h.ok('POST', `/trainings/${ids.tanger}/cancel`, { version: 1, reason: 'lockdown' }, { token: everywhere });
});
afterAll(() => h?.stop());

const base = {
  title: { fr: 'Formation', en: 'Training' },
  topics: ['international_migration_law'],
  startDate: '2020-01-01',
  endDate: '2020-01-01',
  place: { country: 'MA', region: 'Rabat-Salé-Kénitra', city: 'Rabat' },
  modality: 'hybrid',
  organiser: 'IOM',
  activityLine: '1.1',
  plannedParticipants: 20,
};

async function list(query: string, token = everywhere) {
  const r = await h.call('GET', `/trainings${query}`, undefined, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}
const names = (page: { items: Array<{ id: string }> }) =>
  page.items.map((t) => Object.keys(ids).find((k) => ids[k] === t.id));

describe('listing trainings', () => {
  it('lists the newest start first, paginated', async () => {
    const all = await list('');
    expect(names(all)).toEqual(['tanger', 'tunis', 'rabat', 'oujda']);
    expect(all).toMatchObject({ page: 1, pageSize: 50, total: 4, pages: 1 });
    const second = await list('?pageSize=3&page=2');
    expect(names(second)).toEqual(['oujda']);
    expect(second).toMatchObject({ page: 2, pageSize: 3, total: 4, pages: 2 });
  });

  it.each([
    ['?country=TN', ['tunis']],
    ['?region=Oriental', ['oujda']],
    ['?topic=trafficking_in_persons', ['rabat', 'oujda']],
    ['?topic=unaccompanied_children&country=MA', ['rabat']],
    ['?from=2020-01-01&to=2020-02-29', ['tunis', 'rabat']],
    ['?from=2020-02-04', ['tanger']],
    ['?to=2020-01-20', ['rabat', 'oujda']],
    ['?status=held', ['rabat']],
    ['?status=cancelled', ['tanger']],
    ['?status=planned&country=MA', ['oujda']],
    ['?partnerId=p-onde', ['tunis', 'rabat']],
    ['?partnerId=p-onde&country=MA&status=held', ['rabat']],
  ])('filters %s', async (query, expected) => {
    expect(names(await list(query))).toEqual(expected);
  });

  it('shows a Morocco token only Morocco, and refuses it another country', async () => {
    const ma = await testToken(['trainings:read'], ['MA']);
    expect(names(await list('', ma))).toEqual(['tanger', 'rabat', 'oujda']);
    expect((await list('?partnerId=p-onde', ma)).total).toBe(1);
    const r = await h.call('GET', '/trainings?country=TN', undefined, { token: ma });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('FORBIDDEN');
  });

  it.each([
    ['?from=2020-03-01&to=2020-02-01', 'query.to'],
    ['?status=finished', 'query.status'],
    ['?pageSize=1000', 'query.pageSize'],
    ['?country=FR', 'query.country'],
    ['?colour=blue', 'query'],
  ])('refuses %s with a 400', async (query, path) => {
    const r = await h.call('GET', `/trainings${query}`, undefined, { token: everywhere });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toContain(path);
  });

  it('needs the read scope', async () => {
    expect((await h.call('GET', '/trainings', undefined, { token: await testToken(['reports:read']) })).status).toBe(
      403,
    );
  });
});

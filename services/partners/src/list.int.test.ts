import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testToken } from '@passerelle/testkit';
import { partnerBody, startPartners, type PartnersHarness } from './testing/harness.js';

const demo = JSON.parse(readFileSync(new URL('../demo/morocco-partners.json', import.meta.url), 'utf8')) as Array<
  Record<string, any>
>;

let h: PartnersHarness;
let everywhere: string;
let tunisian: string;
const acronymOf = new Map<string, string>();

beforeAll(async () => {
  h = await startPartners('partners_list');
  everywhere = await testToken(['partners:write', 'partners:read'], ['*']);
  tunisian = (
    await h.call(
      'POST',
      '/partners',
      partnerBody('Croissant-Rouge tunisien', { country: 'TN', type: 'cso' }),
      everywhere,
    )
  ).body.id;
  for (const body of demo) {
    const r = await h.call('POST', '/partners', body);
    acronymOf.set(r.body.id, body.acronym ?? body.name.fr);
  }
  const onde = [...acronymOf].find(([, a]) => a === 'ONDE')![0];
  await h.call('POST', `/partners/${onde}/deactivate`, { version: 1 });
});
afterAll(() => h?.stop());

/** The acronyms (or French names) of the partners a list request returns, in order. */
async function list(query: string, token = h.reader) {
  const r = await h.call('GET', `/partners${query}`, undefined, token);
  expect(r.status, r.raw).toBe(200);
  return {
    ...r.body,
    names: r.body.items.map((p: { id: string; name: { fr: string } }) => acronymOf.get(p.id) ?? p.name.fr),
  };
}

describe('listing partners', () => {
  it('shows only the countries the token covers, sorted by French name', async () => {
    const mine = await list('');
    expect(mine.total).toBe(demo.length);
    expect(mine.names[0]).toBe('Commission nationale de lutte contre la traite des êtres humains');
    expect(mine.items[0]).not.toHaveProperty('history');
    expect(mine.items[0]).toMatchObject({ agreementCount: 0, supportCount: 0 });
    expect((await list('', everywhere)).total).toBe(demo.length + 1);
    expect((await list('?country=TN', everywhere)).items.map((p: { id: string }) => p.id)).toEqual([tunisian]);
    const denied = await h.call('GET', '/partners?country=TN', undefined, h.reader);
    expect(denied.status).toBe(403);
  });

  it.each([
    ['?type=regional_council', 3],
    ['?level=regional', 3],
    ['?type=ministry&level=national', 2],
    ['?tag=migrant-led', 1],
    ['?tag=government', 4],
    ['?active=false', 1],
    ['?active=true', demo.length - 1],
    ['?country=MA&type=foundation', 1],
  ])('filters %s', async (query, total) => {
    expect((await list(query)).total).toBe(total);
  });

  it.each([
    ['entraide', ['Entraide Nationale']],
    ['ENTRAIDE nat', ['Entraide Nationale']],
    ['Ecole', ['ENSA']],
    ['التعاون', ['Entraide Nationale']],
    ['وزارة', ['Ministère de la Justice']],
    ['Ministry', ['MCMREAM', 'Ministère de la Justice']],
    ['onde', ['ONDE']],
    ['tétouan', ['Conseil de la région Tanger-Tétouan-Al Hoceïma']],
    ['orient-occ', ['FOO']],
    ['.*', []],
    ['--', []],
  ])('searches a name prefix in any language: "%s"', async (q, expected) => {
    expect((await list(`?q=${encodeURIComponent(q)}`)).names).toEqual(expected);
  });

  it('pages through every partner once', async () => {
    const first = await list('?pageSize=4');
    expect(first).toMatchObject({ page: 1, pageSize: 4, total: demo.length, pages: 3 });
    const pages = [first, await list('?pageSize=4&page=2'), await list('?pageSize=4&page=3')];
    const seen = pages.flatMap((p) => p.items.map((i: { id: string }) => i.id));
    expect(new Set(seen).size).toBe(demo.length);
    expect((await list('?pageSize=4&page=4')).items).toEqual([]);
  });

  it.each([
    ['?pageSize=1000'],
    ['?page=0'],
    ['?type=club'],
    ['?active=maybe'],
    ['?country=FR'],
    ['?tag=Not%20a%20tag'],
    ['?colour=blue'],
    ['?parentId=x'],
  ])('refuses the bad query %s with a 400', async (query) => {
    const r = await h.call('GET', `/partners${query}`, undefined, h.reader);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_FAILED');
  });

  it('needs the read scope', async () => {
    const r = await h.call('GET', '/partners', undefined, await testToken(['trainings:read']));
    expect(r.status).toBe(403);
  });
});

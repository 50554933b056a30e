import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@passerelle/platform';
import { SHEET_TYPES, writeXlsx } from '@passerelle/sheets';
import { loadWorkbook, workbookWith, zerosEntry } from '@passerelle/sheets/testing';
import { eventually, isolatedEnv, testToken, httpClient } from '@passerelle/testkit';
import { loadAssistanceConfig } from './config.js';
import { start } from './main.js';
import { TEST_KEY_SECRET, openStream } from './testing/harness.js';

// The cases of issue 18 (imports), each with a real file built here, against the real service.
const env = isolatedEnv('assistance_import_cases');
let svc: Awaited<ReturnType<typeof start>>;
let stream: Awaited<ReturnType<typeof openStream>>;
let writer: string;
const call = httpClient(
  () => svc.url,
  () => writer,
);
const settled = () =>
  eventually(async () => ((await svc.rt.relay.backlog()) === 0 ? true : undefined), 10_000, 'outbox empty');

beforeAll(async () => {
  svc = await start(env.env('assistance', { BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET }));
  stream = await openStream(env.infra.natsUrl, env.stream);
  writer = await testToken(['assistance:write', 'assistance:read']);
});
afterAll(async () => {
  await svc?.rt.shutdown();
  await stream?.close();
});

const FR_HEADER =
  "Réf. distribution;Date de distribution;Type d'assistance;Contexte;Partenaire;Pays;Région;Ville;Ligne d'activité;Quantité;Unité;Sexe;Tranche d'âge;Vulnérabilités;Nombre";

describe('a French Excel CSV (Windows-1252, ; and labels)', () => {
  it('finds the accented headers below a title row, reads French labels, and stores accents as written', async () => {
    const text = [
      'Distribution COVID-19 — Salé;;;;;;;;;;;;;;',
      FR_HEADER,
      'W1;12/05/2020;Alimentaire;covid19;fondation-orient-occident;MA;Rabat-Salé-Kénitra;Salé;1.4;1 200,5;kg;Femme;18-59 ans;Victime de la traite;3',
      'W1;;;;;;;;;;;Homme;60 ans et plus;Aucune;2',
      "W2;13/05/2020;Kit d'hygiène;covid19;fondation-orient-occident;MA;Oriental;Oujda;1.4;4;kit;F;5-11;ENA | Handicap;4",
    ].join('\r\n');
    const bytes = Buffer.from(text, 'latin1'); // the same bytes as Windows-1252 for these letters
    expect(bytes.includes(0xe9)).toBe(true);
    const r = await call('POST', '/deliveries/import', bytes, { contentType: SHEET_TYPES.csv });
    expect(r.status, r.text).toBe(201);
    expect(
      r.body.deliveries.map((d: { deliveryRef: string; rows: number[]; total: number }) => [
        d.deliveryRef,
        d.rows,
        d.total,
      ]),
    ).toEqual([
      ['W1', [3, 4], 5],
      ['W2', [5], 4],
    ]);
    const d1 = (await call('GET', `/deliveries/${r.body.deliveries[0].id}`)).body;
    expect(d1).toMatchObject({ kind: 'food', quantity: 1200.5, place: { region: 'Rabat-Salé-Kénitra', city: 'Salé' } });
    expect(d1.rows).toHaveLength(2);
    expect(d1.rows).toEqual(
      expect.arrayContaining([
        { sex: 'female', ageGroup: '18-59', flags: ['victim_of_trafficking'], count: 3 },
        { sex: 'male', ageGroup: '60+', flags: ['none'], count: 2 },
      ]),
    );
    const d2 = (await call('GET', `/deliveries/${r.body.deliveries[1].id}`)).body;
    expect(d2).toMatchObject({
      kind: 'hygiene_dignity_kit',
      rows: [{ sex: 'female', ageGroup: '5-11', flags: ['unaccompanied_separated_child', 'disability'], count: 4 }],
    });
    await settled();
    const events = await stream.events();
    expect(JSON.stringify(events)).toContain('Rabat-Salé-Kénitra');
    expect(JSON.stringify(events)).not.toContain('\uFFFD');
  });

  it('an unknown label is a numbered error listing what is accepted (the row a person sees)', async () => {
    const text = [
      'Liste de distribution',
      FR_HEADER,
      'W3;12/05/2020;Couvertures;covid19;foo;MA;;;1.4;1;u;Femme;18-59;;1',
    ].join('\n');
    const r = await call('POST', '/deliveries/import', text, { contentType: SHEET_TYPES.csv });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([
      { row: 3, column: 'kind', message: expect.stringContaining('food (Alimentaire, Food)') },
    ]);
  });
});

describe('limits, before the workbook is parsed', () => {
  it('a workbook carrying a 450 MB entry: 413 in well under a second, health answers meanwhile, nothing written', async () => {
    const valid = await writeXlsx('distribution', ['delivery_ref', 'date', 'kind'], [['B1', '2020-05-12', 'food']]);
    const bomb = await workbookWith(valid, await zerosEntry('xl/media/image1.bin', 450_000_000));
    await settled();
    const [docs, events] = [await svc.store.deliveries.collection.countDocuments(), await stream.count()];
    const started = performance.now();
    const uploads = Array.from({ length: 4 }, () =>
      call('POST', '/deliveries/import', bomb, { contentType: SHEET_TYPES.xlsx }),
    );
    const live = await fetch(`${svc.url}/health/live`);
    const liveAfter = performance.now() - started;
    const replies = await Promise.all(uploads);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(liveAfter).toBeLessThan(1000);
    expect(live.status).toBe(200);
    expect(replies.map((r) => [r.status, r.body.code])).toEqual(Array(4).fill([413, 'SHEET_TOO_LARGE']));
    expect(await svc.store.deliveries.collection.countDocuments()).toBe(docs);
    expect(await stream.count()).toBe(events);
  });

  it('limits come from the environment, validated at start-up', async () => {
    expect(() =>
      loadAssistanceConfig(env.env('assistance', { BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET, IMPORT_MAX_ROWS: 'lots' })),
    ).toThrow(ConfigError);
    expect(() =>
      loadAssistanceConfig(env.env('assistance', { BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET, IMPORT_MAX_ROWS: 'lots' })),
    ).toThrow(/IMPORT_MAX_ROWS/);
    const small = await start(
      env.env('assistance', {
        BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET,
        IMPORT_MAX_ROWS: '2',
        BODY_LIMIT: '20kb',
        PORT: '0',
      }),
      { relay: false },
    );
    try {
      const lines = [
        FR_HEADER,
        ...Array.from({ length: 30 }, (_, i) => `R${i};12/05/2020;Alimentaire;covid19;foo;MA;;;1.4;1;u;Femme;18-59;;1`),
      ];
      const r = await httpClient(
        () => small.url,
        () => writer,
      )('POST', '/deliveries/import', lines.join('\n'), { contentType: SHEET_TYPES.csv });
      expect([r.status, r.body.code]).toEqual([413, 'SHEET_TOO_LARGE']);
      const big = await httpClient(
        () => small.url,
        () => writer,
      )('POST', '/deliveries/import', `${FR_HEADER}\n${'x'.repeat(30_000)}`, { contentType: SHEET_TYPES.csv });
      expect([big.status, big.type]).toEqual([413, expect.stringContaining('application/problem+json')]);
    } finally {
      await small.rt.shutdown();
    }
  });
});

describe('the distribution list template', () => {
  const get = (q: string, token = writer) =>
    fetch(`${svc.url}/deliveries/template?${q}`, { headers: { authorization: `Bearer ${token}` } });

  it('XLSX in English: headers, drop-downs, instructions; filled with its labels, it imports', async () => {
    const res = await get('format=xlsx&lang=en');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('distribution-template-en.xlsx');
    const book = await loadWorkbook(await res.arrayBuffer());
    const data = book.getWorksheet('Distribution')!;
    const header = (data.getRow(1).values as string[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['Delivery ref', 'Date', 'Kind']);
    const kind = data.getCell(2, 3).dataValidation;
    expect(kind).toMatchObject({ type: 'list', formulae: ["'Lists'!$C$1:$C$9"] });
    expect(book.getWorksheet('Lists')!.getCell(1, 3).value).toBe('Food');
    expect(data.getCell(2, header.indexOf('Vulnerabilities') + 1).dataValidation).toMatchObject({
      type: 'list',
      errorStyle: 'information',
    });
    expect(book.getWorksheet('Instructions')!.getCell('A1').value).toBe('Distribution list');
    const row: Record<string, string | number> = {
      'Delivery ref': 'T1',
      Date: '12/05/2020',
      Kind: 'Food',
      Context: 'covid19',
      'Partner id': 'fondation-orient-occident',
      Country: 'MA',
      'Activity line': '1.4',
      Quantity: 2,
      Unit: 'parcel',
      Sex: 'Female',
      'Age group': '18-59 years',
      Vulnerabilities: 'Victim of trafficking',
      Count: 3,
    };
    data.getRow(2).values = header.map((h) => row[h] ?? ''); // where a person types: right under the header
    const r = await call('POST', '/deliveries/import', Buffer.from(await book.xlsx.writeBuffer()), {
      contentType: SHEET_TYPES.xlsx,
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.deliveries[0]).toMatchObject({ deliveryRef: 'T1', mode: 'counts', total: 3, rows: [2] });
  });

  it('CSV in French: UTF-8 with a BOM, ; separated; the reader scope suffices', async () => {
    const reader = await testToken(['assistance:read']);
    const res = await get('format=csv&lang=fr', reader);
    expect(res.status).toBe(200);
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    expect(text.startsWith("\uFEFFRéf. distribution;Date;Type d'assistance;")).toBe(true);
    expect(text.endsWith('Vulnérabilités;Nombre\r\n')).toBe(true);
    expect((await get('format=csv&lang=de')).status).toBe(400);
  });
});

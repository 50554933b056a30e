import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BSON } from 'mongodb';
import { createLogger } from '@passerelle/platform';
import { SHEET_TYPES, writeXlsx } from '@passerelle/sheets';
import { eventually, isolatedEnv, testToken, httpClient, type Reply } from '@passerelle/testkit';
import { start } from './main.js';
import { TEST_KEY_SECRET, listDelivery, openStream } from './testing/harness.js';

// Every raw case reference this file sends, distinctive enough that finding one anywhere means it leaked.
const REFS = {
  record: ['CASE-RABAT-000123', 'CASE-RABAT-000124', 'CASE-RABAT-000125'],
  correction: ['CASE-OUJDA-004567'],
  rejected: ['CASE-TANGER-880001', 'CASE-TANGER-880002'],
  csv: ['CASE-AGADIR-777001', 'CASE-AGADIR-777002'],
  xlsx: ['CASE-NADOR-555001'],
  badSheet: ['CASE-FES-313131'],
};
const ALL_REFS = Object.values(REFS).flat();
// Sheets and forms also spell references in other cases and with spaces; the key is the same, the text must not leak either.
const spellings = (ref: string) => [ref, ref.toLowerCase(), ref.replaceAll('-', ' ')];
const leaksIn = (text: string) =>
  ALL_REFS.filter((ref) => spellings(ref).some((s) => text.toLowerCase().includes(s.toLowerCase())));

const env = isolatedEnv('assistance_privacy');
const logLines: string[] = [];
const replies: Reply[] = [];
let svc: Awaited<ReturnType<typeof start>>;
let stream: Awaited<ReturnType<typeof openStream>>;
let writer: string;
const call = httpClient(
  () => svc.url,
  () => writer,
  (r) => replies.push(r),
);

beforeAll(async () => {
  // Every level a deployment could switch on (trace includes info), into a stream the test can read.
  const logger = createLogger({
    service: 'assistance',
    level: 'trace',
    destination: {
      write: (line: string) => {
        logLines.push(line);
      },
    },
  });
  svc = await start(env.env('assistance', { BENEFICIARY_KEY_SECRET: TEST_KEY_SECRET, LOG_LEVEL: 'trace' }), { logger });
  stream = await openStream(env.infra.natsUrl, env.stream);
  writer = await testToken(['assistance:write', 'assistance:read']);
});
afterAll(async () => {
  await svc?.rt.shutdown();
  await stream?.close();
});

describe('raw case references never leave the request', () => {
  it('the scan finds a reference where there is one (so it can fail)', () => {
    expect(leaksIn(`{"msg":"oops","ref":"${REFS.record[0]}"}`)).toEqual([REFS.record[0]]);
    expect(leaksIn('beneficiary case-agadir-777001 in a log')).toEqual([REFS.csv[0]]);
    expect(leaksIn('{"key":"3f2a…","sex":"female"}')).toEqual([]);
  });

  it('no event, log line, stored document or response carries one, whatever the command', async () => {
    // Record, correct and void with references.
    const d = await call('POST', '/deliveries', listDelivery(REFS.record));
    expect(d.status, d.text).toBe(201);
    const corrected = await call('POST', `/deliveries/${d.body.id}/corrections`, {
      version: 1,
      beneficiaries: listDelivery([...REFS.record, ...REFS.correction]).beneficiaries,
    });
    expect(corrected.status, corrected.text).toBe(200);
    expect(
      (await call('POST', `/deliveries/${d.body.id}/void`, { version: 2, reason: 'test of the privacy scan' })).status,
    ).toBe(200);

    // Refusals that involve references: duplicate, inconsistent flags, out-of-range age, malformed entry.
    expect(
      (await call('POST', '/deliveries', listDelivery([REFS.rejected[0]!, REFS.rejected[0]!.toLowerCase()]))).status,
    ).toBe(422);
    expect(
      (
        await call(
          'POST',
          '/deliveries',
          listDelivery([REFS.rejected[1]!], {
            beneficiaries: {
              mode: 'list',
              list: [
                {
                  caseReference: REFS.rejected[1],
                  sex: 'male',
                  ageGroup: '60+',
                  flags: ['unaccompanied_separated_child'],
                },
              ],
            },
          }),
        )
      ).status,
    ).toBe(422);
    expect(
      (
        await call(
          'POST',
          '/deliveries',
          listDelivery([REFS.rejected[1]!], {
            beneficiaries: {
              mode: 'list',
              list: [{ caseReference: REFS.rejected[1], sex: 'male', age: 200, flags: ['none'] }],
            },
          }),
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await call(
          'POST',
          '/deliveries',
          listDelivery([REFS.rejected[1]!], {
            beneficiaries: {
              mode: 'list',
              list: [{ caseReference: REFS.rejected[1], sex: 'male', ageGroup: '18-59', flags: ['none'], name: 'x' }],
            },
          }),
        )
      ).status,
    ).toBe(400);
    expect((await call('POST', '/deliveries', listDelivery([REFS.rejected[1]!], { date: '2999-01-01' }))).status).toBe(
      422,
    );
    // Broken JSON: parsers quote the text around the error; neither the reply nor the log may.
    const broken = JSON.stringify(listDelivery([REFS.rejected[1]!])).replace(
      `"${REFS.rejected[1]}"`,
      `${REFS.rejected[1]}"`,
    );
    expect((await call('POST', '/deliveries', broken)).status).toBe(400);

    // Imports, good and bad, CSV and XLSX; one reference sits in the wrong column.
    const header =
      'delivery_ref,date,kind,context,partner_id,country,activity_line,quantity,unit,case_reference,sex,age_group,flags';
    const good = await call(
      'POST',
      '/deliveries/import',
      [
        header,
        ...REFS.csv.map(
          (r) => `P1,2020-05-20,food,covid19,fondation-orient-occident,MA,1.4,2,parcel,${r},F,18-59,none`,
        ),
      ].join('\n'),
      { contentType: SHEET_TYPES.csv },
    );
    expect(good.status, good.text).toBe(201);
    const xlsx = await writeXlsx('list', header.split(','), [
      [
        'X1',
        '2020-05-21',
        'medical',
        'covid19',
        'fondation-orient-occident',
        'MA',
        '1.4',
        1,
        'consultation',
        REFS.xlsx[0]!,
        'M',
        '12-17',
        'unaccompanied_separated_child',
      ],
    ]);
    expect((await call('POST', '/deliveries/import', xlsx, { contentType: SHEET_TYPES.xlsx })).status).toBe(201);
    const bad = await call(
      'POST',
      '/deliveries/import',
      [
        header,
        `B1,2020-05-20,food,covid19,fondation-orient-occident,MA,1.4,2,parcel,${REFS.badSheet[0]},F,60+,unaccompanied_separated_child`,
        `B1,,,,,,,,,${REFS.badSheet[0]},${REFS.badSheet[0]},18-59,none`,
      ].join('\n'),
      { contentType: SHEET_TYPES.csv },
    );
    expect(bad.status).toBe(422);
    expect(bad.body.errors.length).toBeGreaterThanOrEqual(2);

    // An erasure (admin): its reply, audit event and log line name neither the reference nor the person.
    const admin = await testToken(['assistance:admin'], ['MA']);
    expect(
      (await call('POST', '/beneficiaries/erase', { caseReference: REFS.record[0], country: 'MA' }, { token: admin }))
        .status,
    ).toBe(200);
    expect(
      (await call('POST', '/beneficiaries/erase', { caseReference: REFS.record[0], country: 'MA' }, { token: admin }))
        .status,
    ).toBe(404);

    // Reads.
    for (const id of [d.body.id, ...good.body.deliveries.map((x: any) => x.id)])
      expect((await call('GET', `/deliveries/${id}`)).status).toBe(200);
    expect((await call('GET', '/deliveries?pageSize=200')).status).toBe(200);

    await eventually(async () => ((await svc.rt.relay.backlog()) === 0 ? true : undefined), 10_000, 'outbox empty');
    const events = await stream.events();
    const docs: string[] = [];
    for (const c of await svc.rt.db.listCollections().toArray()) {
      for (const doc of await svc.rt.db.collection(c.name).find().toArray()) docs.push(BSON.EJSON.stringify(doc));
    }

    // The corpora are real: the scan looked at what the run produced, not at nothing.
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'assistance.delivery.recorded',
        'assistance.delivery.corrected',
        'assistance.delivery.voided',
        'assistance.beneficiary.erased',
      ]),
    );
    expect(events.filter((e) => e.data.mode === 'keys').length).toBeGreaterThanOrEqual(4);
    expect(logLines.some((l) => l.includes('"statusCode":422'))).toBe(true);
    expect(logLines.some((l) => l.includes('distribution list imported'))).toBe(true);
    expect(docs.some((doc) => doc.includes('"key"'))).toBe(true);
    expect(replies.length).toBeGreaterThan(10);

    expect({ events: leaksIn(events.map((e) => e.raw).join('\n')) }).toEqual({ events: [] });
    expect({ logs: leaksIn(logLines.join('')) }).toEqual({ logs: [] });
    expect({ database: leaksIn(docs.join('\n')) }).toEqual({ database: [] });
    expect({ responses: leaksIn(replies.map((r) => r.text).join('\n')) }).toEqual({ responses: [] });
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../testing/browser.js';
import { eventually, isolatedEnv, testToken, TEST_JWT_SECRET } from '@passerelle/testkit';
import { start as startAssistance } from '@passerelle/assistance/main';
import { start as startIndicators } from '@passerelle/indicators/main';
import { start as startPartners } from '@passerelle/partners/main';
import { start as startTrainings } from '@passerelle/trainings/main';
import { start as startProjection } from '../../main.js';
import type { Factsheet } from './factsheet.js';

// Acceptance of the factsheet: the Morocco demo loaded through the five services' own APIs (as the README's start
// command does), then the JSON and the page in headless Chromium, in French and English, for programme year 1.
const OUT = fileURLToPath(new URL('../../../test-output/', import.meta.url));
const DEMO = new URL('../../../../../infra/dev/demo.mjs', import.meta.url).href;
type LoadDemo = (o: { secret: string; services: Record<string, string> }) => Promise<void>;

const env = isolatedEnv('factsheet');
type Svc = { url: string; rt: { shutdown: () => Promise<void> } };
const services: Record<string, Svc> = {};
let browser: Browser;
let reader: string;
let internal: string;

const get = (path: string, token: string | null) =>
  fetch(`${services.projection!.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
async function json<T>(path: string, token = reader): Promise<T> {
  const res = await get(path, token);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Caught up: nothing pending for the projection, and no service has published anything for a second. */
async function settled() {
  const status = () => json<{ lag: number; lastApplied: number; streamHead: number }>('/projection/status');
  await eventually(
    async () => {
      const a = await status();
      if (a.lag !== 0 || a.lastApplied !== a.streamHead) return undefined;
      await new Promise((r) => setTimeout(r, 1000));
      const b = await status();
      return b.lag === 0 && b.streamHead === a.streamHead ? true : undefined;
    },
    60_000,
    'the projection to catch up with the stream',
  );
}

/** The rendered text of a factsheet page, opened with a bearer token as a browser would send it. */
async function openPage(path: string, token: string): Promise<{ page: Page; text: string; status: number }> {
  const context = await browser.newContext({
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
    viewport: { width: 1000, height: 1400 },
  });
  const page = await context.newPage();
  const res = await page.goto(`${services.projection!.url}${path}`);
  return { page, text: await page.locator('body').innerText(), status: res!.status() };
}

/** How far down each page of a PDF its content reaches (0..1), read from the pages rendered by pdftoppm (poppler). */
function pageFill(pdf: string): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'fill-'));
  const r = spawnSync('pdftoppm', ['-r', '20', '-gray', pdf, join(dir, 'p')]);
  if (r.status !== 0) throw new Error('pdftoppm is missing or failed: infra/dev/setup.sh installs poppler-utils');
  return readdirSync(dir)
    .sort()
    .map((f) => {
      const pgm = readFileSync(join(dir, f));
      const [, w, h] = pgm.subarray(0, 40).toString('latin1').split(/\s+/).map(Number);
      const pixels = pgm.subarray(pgm.length - w! * h!);
      let last = 0;
      for (let y = 0; y < h!; y++) for (let x = 0; x < w!; x++) if (pixels[y * w! + x]! < 200) last = y;
      return (last + 1) / h!;
    });
}
const pdfPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;

beforeAll(async () => {
  services.projection = await startProjection(env.env('projection'));
  services.trainings = await startTrainings(env.env('trainings'));
  services.assistance = await startAssistance(env.env('assistance', { BENEFICIARY_LISTS: 'disabled' }));
  services.partners = await startPartners(env.env('partners'));
  services.indicators = await startIndicators(env.env('indicators'));
  const { loadDemo } = (await import(DEMO)) as { loadDemo: LoadDemo };
  await loadDemo({
    secret: TEST_JWT_SECRET,
    services: Object.fromEntries(Object.entries(services).map(([k, s]) => [k, s.url])),
  });
  reader = await testToken(['reports:read']);
  internal = await testToken(['reports:read', 'reports:internal']);
  await settled();
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const s of Object.values(services).reverse()) await s.rt.shutdown();
});

const TOPICS = {
  sexual_exploitation_abuse: 22,
  unaccompanied_children: 24,
  trafficking_in_persons: 26,
  international_migration_law: 47,
};

describe.each(['fr', 'en'] as const)('the year-1 factsheet of the Morocco demo (%s)', (lang) => {
  it('gives the figures as JSON: 4 trainings, 119 participants (22/24/26/47), 150 assisted with Fondation Orient Occident, SDG and SNIA contributions', async () => {
    const s = await json<Factsheet>(`/reports/factsheet?framework=ARMP-MA&period=PY1&lang=${lang}`);
    expect(s).toMatchObject({
      lang,
      frameworkId: 'ARMP-MA',
      period: { key: 'PY1', from: '2019-10-01', to: '2020-09-30' },
      country: { code: 'MA' },
    });
    expect(s.keyFigures.trainings.value).toBe(4);
    expect(s.keyFigures.participants.value).toBe(119);
    expect(Object.fromEntries(s.keyFigures.byTopic.map((r) => [r.code, r.figure.value]))).toEqual(TOPICS);
    expect(s.keyFigures.assisted.people.value).toBe(150);
    expect(s.keyFigures.assisted.byPartner.map((p) => [p.label, p.figure.value])).toEqual([
      [lang === 'fr' ? 'Fondation Orient Occident' : 'Orient-Occident Foundation', 150],
    ]);
    expect(s.contributions.sdg.goals.map((g) => g.code)).toEqual(['10', '16', '17']);
    expect(s.contributions.snia.objectives.map((o) => o.code)).toEqual(['15', '16', '17', '26', '27']);
    // The staff's texts of the published framework, in the language asked.
    expect(s.context).toContain(lang === 'fr' ? 'quatre sur cinq' : 'four in five');
    expect(s.targetGroups).toHaveLength(4);
    expect(s.lines.map((l) => l.activities.map((a) => a.code))).toEqual([
      ['1.1', '1.2', '1.3', '1.4'],
      ['2.1', '2.2', '2.3'],
    ]);
    expect(s.frameworkVersion).toBeGreaterThanOrEqual(1);
    expect(s.targetVersions.find((v) => v.indicator === '1.1.a')).toMatchObject({ period: 'PY1', version: 1 });
    expect(s.indicators.find((i) => i.code === '1.1.a')).toMatchObject({
      actual: { value: 119 },
      target: { value: 100 },
      percentOfTarget: { value: 119 },
    });
    // Nothing in year 1 is a small sensitive cell (8 victims of trafficking, 12 children).
    expect(s.protection).toMatchObject({ internal: false, threshold: 5, hidden: 0 });
    // Reproducible as of an instant of record time: the same figures, said to be as of then.
    const asOf = new Date().toISOString();
    const then = await json<Factsheet>(
      `/reports/factsheet?framework=ARMP-MA&period=PY1&lang=${lang}&asOf=${encodeURIComponent(asOf)}`,
    );
    expect(then.asOf).toBe(asOf);
    expect([
      then.keyFigures.trainings.value,
      then.keyFigures.participants.value,
      then.keyFigures.assisted.people.value,
    ]).toEqual([4, 119, 150]);
  });

  it('renders the page in headless Chromium with the same figures, formatted for the language, and prints to A4', async () => {
    const { page, text, status } = await openPage(`/factsheets/ARMP-MA/PY1/${lang}`, reader);
    try {
      expect(status).toBe(200);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      // Headings as written (the style shows them in capitals): the sections of a programme factsheet, in the language.
      expect((await page.locator('h2').allTextContents()).slice(0, 3)).toEqual(
        lang === 'fr' ? ['Contexte', 'Objectif', 'Groupes cibles'] : ['Context', 'Objective', 'Target groups'],
      );
      for (const figure of ['4', '119', '22', '24', '26', '47', '150'])
        expect(text).toMatch(new RegExp(`(^|\\D)${figure}(\\D|$)`));
      expect(await page.locator('.tile .n').allInnerTexts()).toEqual(['4', '119', '150']);
      expect(text).toContain(lang === 'fr' ? 'Fondation Orient Occident' : 'Orient-Occident Foundation');
      const [sdg, snia] = lang === 'fr' ? ['ODD', 'OSP SNIA'] : ['SDG', 'SNIA OSP'];
      for (const goal of ['10', '16', '17']) expect(text).toContain(`${sdg} ${goal}`);
      for (const osp of ['15', '16', '17', '26', '27']) expect(text).toContain(`${snia} ${osp}`);
      if (lang === 'fr') {
        expect(text).toContain('1er octobre 2019 – 30 septembre 2020');
        expect(text).toContain('119\u00a0%'); // 119 participants for a target of 100, French style
      } else {
        expect(text).toContain('1 October 2019 – 30 September 2020');
        expect(text).toContain('119%');
      }
      expect(text).toContain(lang === 'fr' ? "Aucun chiffre n'a dû être masqué" : 'No figure needed hiding');
      await page.screenshot({ path: `${OUT}factsheet-${lang}.png`, fullPage: true });
      writeFileSync(`${OUT}factsheet-${lang}.html`, await page.content());
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      writeFileSync(`${OUT}factsheet-${lang}.pdf`, pdf);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = pdfPages(pdf);
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(pages).toBeLessThanOrEqual(4);
      // No half-empty page: every page but the last is filled down to its foot.
      const fill = pageFill(`${OUT}factsheet-${lang}.pdf`);
      expect(fill).toHaveLength(pages);
      for (const f of fill.slice(0, -1)) expect(f).toBeGreaterThan(0.8);
      // Drawn, not only written: progress against targets, participants by sex, people by vulnerability.
      expect(await page.locator('svg.progress').count()).toBeGreaterThan(3);
      expect(await page.locator('figure.chart svg rect.bar').count()).toBeGreaterThanOrEqual(4);
    } finally {
      await page.context().close();
    }
  });
});

describe('small-cell protection on the page', () => {
  it('shows "<5" for two unaccompanied children outside the internal scope, and says figures were hidden', async () => {
    // A real delivery in programme year 2 through the assistance API: two unaccompanied children.
    const partners = await json<Array<{ partnerId: string; name: { en: string } }>>('/reports/partners?country=MA');
    const foo = partners.find((p) => p.name.en === 'Orient-Occident Foundation')!;
    const writer = await testToken(['assistance:write']);
    const res = await fetch(`${services.assistance!.url}/deliveries`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        date: '2020-11-10',
        kind: 'shelter',
        context: 'programme',
        partnerId: foo.partnerId,
        place: { country: 'MA', region: 'Oriental', city: 'Oujda' },
        activityLine: '1.3',
        quantity: 2,
        unit: 'bed',
        beneficiaries: {
          mode: 'counts',
          rows: [{ sex: 'male', ageGroup: '12-17', flags: ['unaccompanied_separated_child'], count: 2 }],
        },
      }),
    });
    expect(res.status).toBe(201);
    await settled();

    const pub = await json<Factsheet>('/reports/factsheet?framework=ARMP-MA&period=PY2&lang=en');
    expect(pub.keyFigures.assisted.people.value).toBe('<5');
    expect(pub.protection.hidden).toBeGreaterThan(0);
    const { page, text } = await openPage('/factsheets/ARMP-MA/PY2/fr', reader);
    try {
      expect(await page.locator('.tile .n').nth(2).innerText()).toBe('<5');
      expect(text).toContain('Pour protéger les personnes');
      expect(text).not.toMatch(/(^|\D)2 migrants vulnérables/);
      await page.screenshot({ path: `${OUT}factsheet-PY2-fr-public.png`, fullPage: true });
    } finally {
      await page.context().close();
    }

    const inside = await json<Factsheet>('/reports/factsheet?framework=ARMP-MA&period=PY2&lang=en', internal);
    expect(inside.keyFigures.assisted.people.value).toBe(2);
    expect(inside.protection).toMatchObject({ internal: true, hidden: 0 });
    const page2 = await openPage('/factsheets/ARMP-MA/PY2/en', internal);
    try {
      expect(await page2.page.locator('.tile .n').nth(2).innerText()).toBe('2');
      expect(page2.text).toContain('Internal version');
    } finally {
      await page2.page.context().close();
    }
  });
});

describe('bad requests get a problem document, never a page', () => {
  const problem = async (path: string, token: string | null, status: number, code?: string) => {
    const res = await get(path, token);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    if (code) expect(((await res.json()) as { code: string }).code).toBe(code);
  };
  it('an unknown language is a 400', async () => {
    await problem('/factsheets/ARMP-MA/PY1/de', reader, 400, 'VALIDATION_FAILED');
    await problem('/reports/factsheet?framework=ARMP-MA&period=PY1&lang=de', reader, 400, 'VALIDATION_FAILED');
  });
  it('a malformed framework id is a 400', () =>
    problem('/factsheets/armp-morocco/PY1/fr', reader, 400, 'VALIDATION_FAILED'));
  it('a framework never published is a 404', async () =>
    problem('/factsheets/ARMP-TN/PY1/fr', await testToken(['reports:read'], ['MA', 'TN']), 404, 'NOT_FOUND'));
  it('a period that is not one is a 422', async () => {
    await problem('/factsheets/ARMP-MA/PY0/en', reader, 422, 'BAD_PERIOD');
    await problem('/reports/factsheet?framework=ARMP-MA&period=year-one', reader, 422, 'BAD_PERIOD');
  });
  it("another country's factsheet is a 403, and no token a 401", async () => {
    await problem('/factsheets/ARMP-MA/PY1/fr', await testToken(['reports:read'], ['TN']), 403);
    await problem('/factsheets/ARMP-MA/PY1/fr', null, 401);
    await problem('/factsheets/ARMP-MA/PY1/fr', await testToken(['trainings:read']), 403);
  });
  it('an unknown query parameter is a 400', () =>
    problem('/factsheets/ARMP-MA/PY1/fr?colour=blue', reader, 400, 'VALIDATION_FAILED'));
});

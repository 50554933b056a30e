import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './testing/browser.js';
import { start as startAssistance } from '@passerelle/assistance/main';
import { start as startIndicators } from '@passerelle/indicators/main';
import { start as startPartners } from '@passerelle/partners/main';
import { start as startTrainings } from '@passerelle/trainings/main';
import { isolatedEnv } from '@passerelle/testkit';
import { start } from './main.js';

// The one page of every service's API documentation, as development runs it: five services on their own ports, the
// projection's page fetching the four others' documents cross-origin and its own from its origin.
const env = isolatedEnv('apidocs');
const OUT = fileURLToPath(new URL('../test-output/', import.meta.url));
const others: Array<{ name: string; svc: { url: string; rt: { shutdown(): Promise<void> } } }> = [];
let svc: Awaited<ReturnType<typeof start>>;
let browser: Browser;

// One operation each service's document has, as the page shows its summary.
const KNOWN = {
  trainings: 'Plan a training',
  assistance: 'Void a delivery recorded in error',
  partners: 'Deactivate a partner',
  indicators: 'Retire an indicator',
  projection: 'Last sequence applied, lag behind the stream, throughput, dead letters',
};

beforeAll(async () => {
  others.push({ name: 'trainings', svc: await startTrainings(env.env('trainings'), { relay: false }) });
  others.push({
    name: 'assistance',
    svc: await startAssistance(env.env('assistance', { BENEFICIARY_LISTS: 'disabled' }), { relay: false }),
  });
  others.push({ name: 'partners', svc: await startPartners(env.env('partners'), { relay: false }) });
  others.push({ name: 'indicators', svc: await startIndicators(env.env('indicators'), { relay: false }) });
  const urls = [
    ...others.map((o) => `${o.name}=${o.svc.url}/openapi.json`),
    'projection=/openapi/projection.json',
  ].join(',');
  svc = await start(env.env('projection', { DOCS_OPENAPI_URLS: urls }));
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await svc?.rt.shutdown();
  for (const o of others) await o.svc.rt.shutdown();
});

describe('the API docs page', () => {
  it('is served with its assets and the documents without a token, the documents readable from any origin', async () => {
    const page = await fetch(`${svc.url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('docs/assets/swagger-ui-bundle.js');
    // The page may fetch the documents of the other services' origins, and nothing else.
    expect(page.headers.get('content-security-policy')).toContain(
      `connect-src 'self' ${others.map((o) => o.svc.url).join(' ')}`,
    );
    expect((await fetch(`${svc.url}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
    expect((await fetch(`${svc.url}/docs/assets/nothing.js`)).status).toBe(401);
    for (const o of [...others, { name: 'projection', svc }]) {
      const doc = await fetch(`${o.svc.url}/openapi/${o.name}.json`, { headers: { origin: 'http://localhost:3005' } });
      expect(doc.status, o.name).toBe(200);
      expect(doc.headers.get('access-control-allow-origin'), o.name).toBe('*');
      expect(((await doc.json()) as { openapi: string }).openapi).toBe('3.1.0');
    }
    expect((await fetch(`${svc.url}/reports/participants`)).status).toBe(401);
  });

  it('renders the operations of all five services in Chromium from local assets only', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const requested: string[] = [];
    const errors: string[] = [];
    page.on('request', (req) => requested.push(req.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${svc.url}/docs`);
    const select = page.locator('.topbar select');
    await select.waitFor({ timeout: 30_000 });
    expect(await select.locator('option').allInnerTexts()).toEqual(Object.keys(KNOWN));
    for (const [name, summary] of Object.entries(KNOWN)) {
      await select.selectOption({ label: name });
      await page.locator('.opblock-summary-description', { hasText: summary }).first().waitFor({ timeout: 20_000 });
      expect(await page.locator('.opblock').count(), name).toBeGreaterThan(3);
      if (name === 'trainings') await page.screenshot({ path: `${OUT}api-docs.png`, fullPage: false });
    }
    // Open one operation: its documented success answer and errors show.
    await page.locator('.opblock-summary', { hasText: KNOWN.projection }).first().click();
    await page.locator('.responses-table .response[data-code="503"]').first().waitFor({ timeout: 10_000 });
    await page.locator('.responses-table .response[data-code="200"]').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUT}api-docs-operation.png`, fullPage: false });
    const hosts = new Set(requested.map((u) => new URL(u).hostname));
    expect([...hosts].filter((h) => h !== '127.0.0.1' && h !== 'localhost')).toEqual([]);
    expect(new Set(requested.filter((u) => u.includes('/openapi'))).size).toBe(5);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});

import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './testing/browser.js';
import { isolatedEnv } from '@passerelle/testkit';
import { start } from './main.js';

// The event documentation integrators read: served without a token, and a page that renders it offline in Chromium.
const env = isolatedEnv('asyncapi');
const OUT = fileURLToPath(new URL('../test-output/', import.meta.url));
let svc: Awaited<ReturnType<typeof start>>;
let browser: Browser;

beforeAll(async () => {
  svc = await start(env.env('projection'));
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await svc?.rt.shutdown();
});

describe('the AsyncAPI document and page', () => {
  it('serves /asyncapi.json without a token, while reports still need one', async () => {
    const r = await fetch(`${svc.url}/asyncapi.json`);
    expect(r.status).toBe(200);
    const doc = (await r.json()) as { asyncapi: string; channels: Record<string, unknown> };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.keys(doc.channels)).toContain('trainings_training_held');
    expect((await fetch(`${svc.url}/reports/participants`)).status).toBe(401);
  });

  it('renders a readable page in Chromium from local assets only', async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    const errors: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(svc.url)) outside.push(req.url());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${svc.url}/asyncapi`);
    // Rendered in the browser by the bundled component (its sidebar copy of the title stays hidden).
    await page
      .getByText('Passerelle domain events', { exact: false })
      .first()
      .waitFor({ state: 'attached', timeout: 30_000 });
    await page.getByText('evt.{country}.trainings.training.held').first().waitFor({ timeout: 10_000 });
    const text = await page.locator('#asyncapi').innerText();
    expect(text).toContain('assistance.delivery.recorded');
    expect(text).toContain('nats://nats:4222');
    await page.screenshot({ path: `${OUT}asyncapi.png`, fullPage: false });
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_TOPICS } from '@passerelle/contracts';
import { testToken } from '@passerelle/testkit';
import { moroccoTraining, startHarness, type Harness } from './testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('trainings_topics');
});
afterAll(() => h?.stop());

const label = { fr: 'Retour et réintégration', en: 'Return and reintegration' };

async function refused(body: unknown, status: number, code: string, token = h.tokens.admin) {
  const count = await h.settled();
  const r = await h.call('POST', '/topics', body, { token });
  expect(r.status).toBe(status);
  expect(r.body.code).toBe(code);
  expect(await h.settled()).toBe(count);
}

describe('topics', () => {
  it('lists the built-in topics, labelled in French and English', async () => {
    const r = await h.call('GET', '/topics', undefined, { token: h.tokens.reader });
    expect(r.status).toBe(200);
    expect(r.body.items.map((t: { code: string }) => t.code)).toEqual([...BUILT_IN_TOPICS]);
    expect(r.body.items[0]).toEqual({
      code: 'trafficking_in_persons',
      label: { fr: 'Traite des personnes', en: 'Trafficking in persons' },
      builtIn: true,
    });
  });

  it('an admin adds a topic (naming the country when the token covers several): it is listed, usable, and published as trainings.topic.added', async () => {
    await refused(
      { code: 'return_reintegration', label },
      400,
      'VALIDATION_FAILED',
      await testToken(['trainings:admin'], ['*']),
    );
    const before = await h.settled();
    const r = await h.call('POST', '/topics', { code: 'return_reintegration', label }, { token: h.tokens.admin });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ code: 'return_reintegration', label, builtIn: false });
    expect((await h.call('GET', '/topics')).body.items.at(-1)).toEqual({
      code: 'return_reintegration',
      label,
      builtIn: false,
    });
    await h.waitForStream(before + 1);
    const e = (await h.streamEvents()).at(-1)!;
    expect(e).toMatchObject({
      type: 'trainings.topic.added',
      subject: 'return_reintegration',
      country: 'MA',
      actor: 'admin-1',
      data: { code: 'return_reintegration', label },
    });
    expect(e.data).toHaveProperty('businessDate', e.time.slice(0, 10));
    const planned = await h.call('POST', '/trainings', {
      ...moroccoTraining,
      topics: ['return_reintegration', 'trafficking_in_persons'],
    });
    expect(planned.status).toBe(201);
  });

  it('a topic code is added once; built-in codes are taken', async () => {
    await h.ok(
      'POST',
      '/topics',
      { code: 'labour_migration', label: { fr: 'Migration de travail', en: 'Labour migration' } },
      { token: h.tokens.admin },
    );
    await refused({ code: 'labour_migration', label }, 409, 'TOPIC_EXISTS');
    await refused({ code: 'border_management', label }, 409, 'TOPIC_EXISTS');
  });

  it.each([
    ['a code that is not lower_snake_case', { code: 'Return Reintegration', label }, 400, 'VALIDATION_FAILED'],
    ['a label missing a language', { code: 'diaspora', label: { fr: 'Diaspora' } }, 400, 'VALIDATION_FAILED'],
  ])('refuses %s', async (_name, body, status, code) => {
    await refused(body, status, code);
  });

  it('needs the admin scope, and the country named must be one of the token', async () => {
    await refused({ code: 'diaspora', label }, 403, 'FORBIDDEN', h.tokens.writer);
    await refused({ code: 'diaspora', label, country: 'TN' }, 403, 'FORBIDDEN');
    const r = await h.call(
      'POST',
      '/topics',
      { code: 'diaspora', label, country: 'TN' },
      { token: await testToken(['trainings:admin'], ['*']) },
    );
    expect(r.status).toBe(201);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, publishPartner } from '@passerelle/testkit';
import { moroccoTraining, startHarness, type Harness } from './testing/harness.js';

// Partner ids are checked against the partners this service learnt from partner events (its own copy, fed by
// its durable consumer), in countries where it knows at least one partner.
let h: Harness;
beforeAll(async () => {
  h = await startHarness('trainings_partners');
});
afterAll(() => h?.stop());

describe('partner ids of a training', () => {
  it('are not checked in a country whose partners the service does not know yet', async () => {
    expect((await h.call('POST', '/trainings', { ...moroccoTraining, partnerIds: ['not-yet-known'] })).status).toBe(
      201,
    );
  });

  it('once partner events have arrived: a known id is accepted, an unknown one refused with a clear 422', async () => {
    const known = await publishPartner(h.env, { country: 'MA' });
    await eventually(
      async () =>
        (await h.svc.store.partners.unknown([known], 'MA')).length === 0 &&
        (await h.svc.store.partners.collection.countDocuments()) > 0
          ? true
          : undefined,
      10_000,
      'the partner known',
    );
    expect((await h.call('POST', '/trainings', { ...moroccoTraining, partnerIds: [known] })).status).toBe(201);
    const count = await h.settled();
    const r = await h.call('POST', '/trainings', { ...moroccoTraining, partnerIds: [known, 'made-up-partner'] });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'UNKNOWN_PARTNER', partnerIds: ['made-up-partner'] });
    expect(r.body.detail).toContain('made-up-partner');
    expect(await h.settled()).toBe(count);
  });

  it('a deactivated partner stays known; a redelivered older event changes nothing', async () => {
    const id = await publishPartner(h.env, { country: 'MA' });
    await publishPartner(h.env, { country: 'MA', partnerId: id, event: 'deactivated' });
    const doc = await eventually(
      async () => {
        const d = await h.svc.store.partners.collection.findOne({ _id: id });
        return d && !d.active ? d : undefined;
      },
      10_000,
      'the partner deactivated',
    );
    await h.svc.store.partners.apply({ partnerId: id, country: 'MA', active: true }, doc.seq - 1);
    expect((await h.svc.store.partners.collection.findOne({ _id: id }))!.active).toBe(false);
    expect(await h.svc.store.partners.unknown([id], 'MA')).toEqual([]);
  });
});

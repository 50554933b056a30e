import { randomUUID } from 'node:crypto';
import { createEnvelope, deliveryRecorded, deliveryVoided, trainingHeld, type Envelope } from '@passerelle/events';

// Sample events for the tests and the bench: made with the typed builders, as producers make them.
const ctx = { actor: 'staff-pseudonym-17', correlationid: 'c1' };
/** A key as the assistance service makes them (an HMAC): the views must never show one. */
export const BENEFICIARY_KEY = 'ab'.repeat(32);

/** A mixed history: trainings held, deliveries in keys mode (with pseudonymous keys), some voided. */
export function history(n: number): Envelope[] {
  const out: Envelope[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    if (i % 3 === 0) {
      out.push(
        createEnvelope(
          trainingHeld.build({
            subject: id,
            country: 'MA',
            data: {
              trainingId: id,
              businessDate: '2020-02-10',
              startDate: '2020-02-10',
              endDate: '2020-02-11',
              durationDays: 2,
              topics: ['border_management'],
              activityLine: '1.1',
              region: 'Oriental',
              partnerIds: [],
            },
          }),
          ctx,
        ),
      );
      continue;
    }
    const figures = {
      deliveryId: id,
      businessDate: '2020-03-01',
      kind: 'food' as const,
      context: 'programme',
      partnerId: 'p-1',
      place: { country: 'MA' as const, region: 'Oriental' },
      region: 'Oriental',
      activityLine: '2.1',
      quantity: 1,
      unit: 'kit',
      mode: 'keys' as const,
      rows: [
        { sex: 'female' as const, ageGroup: '18-59' as const, flags: ['victim_of_trafficking' as const], count: 1 },
      ],
      total: 1,
      beneficiaries: [
        {
          key: i % 2 ? BENEFICIARY_KEY : randomUUID().replaceAll('-', '').padEnd(64, '0'),
          sex: 'female' as const,
          ageGroup: '18-59' as const,
          flags: ['victim_of_trafficking' as const],
        },
      ],
    };
    out.push(createEnvelope(deliveryRecorded.build({ subject: id, country: 'MA', data: figures }), ctx));
    if (i % 10 === 1) {
      out.push(
        createEnvelope(
          deliveryVoided.build({
            subject: id,
            country: 'MA',
            data: {
              deliveryId: id,
              businessDate: '2020-03-01',
              reason: 'entered twice by Mme X',
              kind: 'food',
              context: 'programme',
              partnerId: 'p-1',
              activityLine: '2.1',
              previousTotal: 1,
            },
          }),
          ctx,
        ),
      );
    }
  }
  return out;
}

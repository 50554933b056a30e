import { describe, expect, it } from 'vitest';
import { createEnvelope, eventSubject } from './envelope.js';
import { UUID_V7, uuidv7 } from './ids.js';
import { EventErrorCode, type EventValidationError, createRegistry, defineEvent } from './registry.js';
import { registry } from './catalog.js';
import { trainingHeld } from './events/trainings.js';
import { z } from 'zod';

const ctx = { actor: 'user-1', correlationid: 'req-1' };
const held = (over: Record<string, unknown> = {}) =>
  createEnvelope(
    {
      type: 'trainings.training.held',
      subject: 't1',
      country: 'MA',
      data: {
        trainingId: '0e0b8a5e-31a5-4c53-9d62-5b0c0a4d2b11',
        businessDate: '2020-02-10',
        startDate: '2020-02-10',
        endDate: '2020-02-11',
        durationDays: 2,
        topics: ['trafficking_in_persons'],
        activityLine: '1.1',
        partnerIds: [],
        ...over,
      },
    },
    ctx,
  );

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as EventValidationError).code;
  }
  return 'no error';
};

describe('event ids', () => {
  it('are UUIDv7 and sort by time', () => {
    const a = uuidv7(1_600_000_000_000);
    const b = uuidv7(1_600_000_000_001);
    expect(a).toMatch(UUID_V7);
    expect(a < b).toBe(true);
  });
});

describe('the envelope', () => {
  it('is a CloudEvents 1.0 event with the subject scheme of DESIGN.md', () => {
    const e = held();
    expect(e).toMatchObject({
      specversion: '1.0',
      source: 'trainings',
      datacontenttype: 'application/json',
      dataversion: '1',
      country: 'MA',
      actor: 'user-1',
      correlationid: 'req-1',
    });
    expect(eventSubject('evt', e)).toBe('evt.MA.trainings.training.held');
  });
});

describe('parsing an incoming message', () => {
  it('returns the typed event', () => {
    const e = held();
    expect(registry.parse(new TextEncoder().encode(JSON.stringify(e)), 'evt.MA.trainings.training.held')).toEqual(e);
  });
  it.each([
    ['not JSON', () => registry.parse('{nope'), EventErrorCode.MalformedJson],
    ['no envelope', () => registry.parse({ hello: 1 }), EventErrorCode.InvalidEnvelope],
    [
      'unknown type',
      () => registry.parse({ ...held(), type: 'trainings.training.teleported' }),
      EventErrorCode.UnknownType,
    ],
    ['bad data', () => registry.parse(held({ durationDays: -1 })), EventErrorCode.InvalidData],
    [
      'unknown field in data, read strictly',
      () => registry.parse(held({ extra: 'x' }), undefined, { strict: true }),
      EventErrorCode.InvalidData,
    ],
    [
      'subject of another type',
      () => registry.parse(held(), 'evt.MA.trainings.training.cancelled'),
      EventErrorCode.SubjectMismatch,
    ],
    ['unknown version', () => registry.parse({ ...held(), dataversion: '9' }), EventErrorCode.UnknownVersion],
  ])('%s is a precise error', (_n, f, code) => {
    expect(codeOf(f)).toBe(code);
  });
  it('tolerates fields added within a dataversion, and drops them', () => {
    const e = held({ addedLater: 1 });
    const withExtension = { ...e, newextension: 'x', data: { ...e.data, addedLater: 1 } };
    const parsed = registry.parse(withExtension);
    expect(parsed.data).not.toHaveProperty('addedLater');
    expect(parsed).not.toHaveProperty('newextension');
    expect(parsed.type).toBe('trainings.training.held');
  });
  it('upcasts an old version to the current shape', () => {
    const v2 = defineEvent({
      type: 'trainings.thing.happened',
      version: '2',
      description: 'test',
      businessDate: (d) => d.businessDate,
      data: z.strictObject({ businessDate: z.string(), count: z.number() }),
      upcasters: { '1': (old) => ({ businessDate: (old as { date: string }).date, count: (old as { n: number }).n }) },
    });
    const r = createRegistry([v2]);
    const old = { ...held(), type: 'trainings.thing.happened', dataversion: '1', data: { date: '2020-01-01', n: 3 } };
    expect(r.parse(old)).toMatchObject({ dataversion: '2', data: { businessDate: '2020-01-01', count: 3 } });
  });
});

describe('typed builders', () => {
  const data = {
    trainingId: '0e0b8a5e-31a5-4c53-9d62-5b0c0a4d2b11',
    businessDate: '2020-02-10',
    startDate: '2020-02-10',
    endDate: '2020-02-11',
    durationDays: 2,
    topics: ['trafficking_in_persons'],
    activityLine: '1.1',
    partnerIds: [],
  };
  it('build an event of the type and version of the definition', () => {
    const e = trainingHeld.build({ subject: 't1', country: 'MA', data });
    expect(e).toMatchObject({ type: 'trainings.training.held', dataversion: '1', subject: 't1', country: 'MA', data });
    const parsed = registry.parse(createEnvelope(e, ctx));
    // The union narrows on type: data is the held event's data, no cast.
    if (parsed.type === 'trainings.training.held') expect(parsed.data.durationDays).toBe(2);
    else expect.unreachable();
  });
  it('are strict: an extra or a wrong field throws INVALID_DATA', () => {
    expect(
      // @ts-expect-error an unknown field is a compile error too
      codeOf(() => trainingHeld.build({ subject: 't1', country: 'MA', data: { ...data, participantName: 'x' } })),
    ).toBe(EventErrorCode.InvalidData);
    expect(
      codeOf(() => trainingHeld.build({ subject: 't1', country: 'MA', data: { ...data, durationDays: -1 } })),
    ).toBe(EventErrorCode.InvalidData);
    const state = { ...data, cancellationReason: 'x' };
    // @ts-expect-error a field the contract does not have, coming from a spread object, is a compile error as well
    expect(codeOf(() => trainingHeld.build({ subject: 't1', country: 'MA', data: state }))).toBe(
      EventErrorCode.InvalidData,
    );
  });
});

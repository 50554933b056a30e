import { describe, expect, it } from 'vitest';
import { filterSubject, wantsType } from './filter.js';
import { deliverPolicy } from './consumer.js';
import { SubscribeOptionsError } from './errors.js';

describe('the subject filter (one filter_subject, as NATS 2.9 needs)', () => {
  it.each([
    [{}, 'evt.*.>'],
    [{ country: 'MA' }, 'evt.MA.>'],
    [{ country: 'MA', service: 'trainings' }, 'evt.MA.trainings.>'],
    [{ types: ['trainings.training.held'] }, 'evt.*.trainings.training.held'],
    [{ country: 'TN', types: ['trainings.training.held', 'trainings.training.cancelled'] }, 'evt.TN.trainings.>'],
    [{ types: ['trainings.training.held', 'assistance.delivery.recorded'] }, 'evt.*.>'],
  ])('%j filters %s', (filter, subject) => {
    expect(filterSubject('evt', filter)).toBe(subject);
  });
  it('refuses types outside the service asked for, and subject wildcards in a country', () => {
    expect(() => filterSubject('evt', { service: 'assistance', types: ['trainings.training.held'] })).toThrow(
      SubscribeOptionsError,
    );
    expect(() => filterSubject('evt', { country: 'M>' })).toThrow(SubscribeOptionsError);
  });
  it('filters types in the SDK what the server filter lets through', () => {
    expect(wantsType({ types: ['a.b.c'] }, 'a.b.d')).toBe(false);
    expect(wantsType({}, 'a.b.d')).toBe(true);
  });
});

describe('replay starts', () => {
  it('map to deliver policies', () => {
    expect(deliverPolicy('start')).toEqual({ deliver_policy: 'all' });
    expect(deliverPolicy('new')).toEqual({ deliver_policy: 'new' });
    expect(deliverPolicy({ sequence: 42 })).toEqual({ deliver_policy: 'by_start_sequence', opt_start_seq: 42 });
    expect(deliverPolicy({ time: '2026-01-01T00:00:00Z' })).toEqual({
      deliver_policy: 'by_start_time',
      opt_start_time: '2026-01-01T00:00:00.000Z',
    });
    expect(() => deliverPolicy({ sequence: 0 })).toThrow(SubscribeOptionsError);
  });
});

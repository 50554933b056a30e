import { describe, expect, it } from 'vitest';
import { registry, type Envelope } from '@passerelle/contracts';
import { generateEvents, serviceEvents } from './index.js';

describe('generated history', () => {
  const all = [...generateEvents({ seed: 7, count: 20_000, prefix: 'evt' })];

  it('is exactly as long as asked, and every message is a valid event on its subject', () => {
    expect(all).toHaveLength(20_000);
    for (const g of all) expect(() => registry.parse(JSON.stringify(g.event), g.subject)).not.toThrow();
  });

  it('covers every kind of event the reports read, corrections and voids included', () => {
    const types = new Set(all.map((g) => g.event.type));
    for (const t of [
      'trainings.training.planned',
      'trainings.training.rescheduled',
      'trainings.training.held',
      'trainings.training.cancelled',
      'trainings.training.attendance_recorded',
      'trainings.training.attendance_corrected',
      'trainings.training.assessment_recorded',
      'assistance.delivery.recorded',
      'assistance.delivery.corrected',
      'assistance.delivery.voided',
      'partners.partner.registered',
      'partners.partner.updated',
      'partners.partner.agreement_signed',
      'partners.partner.support_provided',
      'indicators.framework.published',
      'indicators.indicator.defined',
      'indicators.target.set',
      'indicators.target.revised',
      'indicators.value.reported',
    ])
      expect(types, t).toContain(t);
  });

  it('brings the same people back in several deliveries, and re-publishes a few events', () => {
    const seen = new Map<string, number>();
    for (const g of all) {
      const data = g.event.data as { beneficiaries?: Array<{ key: string }> };
      if (g.event.type === 'assistance.delivery.recorded')
        for (const b of data.beneficiaries ?? []) seen.set(b.key, (seen.get(b.key) ?? 0) + 1);
    }
    expect([...seen.values()].filter((n) => n > 1).length).toBeGreaterThan(100);
    expect(all.filter((g) => g.msgId !== g.event.id).length).toBeGreaterThan(50);
  });

  it('moves some deliveries to another date when correcting them, and records business dates out of order', () => {
    const corrections = all
      .map((g) => g.event.data as { businessDate: string; previousBusinessDate?: string })
      .filter((d) => d.previousBusinessDate);
    expect(corrections.filter((d) => d.businessDate !== d.previousBusinessDate).length).toBeGreaterThan(20);
    expect(corrections.filter((d) => d.businessDate === d.previousBusinessDate).length).toBeGreaterThan(20);
    // Late events: a business date earlier than the one of an event recorded before it (the crash test needs them).
    const dates = all.map((g) => (g.event.data as { businessDate: string }).businessDate);
    expect(dates.filter((d, i) => i > 0 && d < dates[i - 1]!).length).toBeGreaterThan(1000);
  });

  it('is the same history for the same seed, and another for another seed', () => {
    const again = [...generateEvents({ seed: 7, count: 20_000, prefix: 'evt' })].map((g) => g.event.data);
    expect(again).toEqual(all.map((g) => g.event.data));
    const other = [...generateEvents({ seed: 8, count: 2_000, prefix: 'evt' })].map((g) => g.event.data);
    expect(other).not.toEqual(again.slice(0, 2_000));
  });

  it('gives one service its own events, in order and each once, as its NATS user would publish them', () => {
    const trainings = serviceEvents('trainings', { seed: 7, count: 2_000 });
    expect(trainings.length).toBeGreaterThan(300);
    expect(trainings.every((e: Envelope) => e.type.startsWith('trainings.'))).toBe(true);
    expect(new Set(trainings.map((e) => e.id)).size).toBe(trainings.length);
    const fromHistory = [...generateEvents({ seed: 7, count: 2_000, prefix: 'evt', duplicates: 0 })]
      .map((g) => g.event)
      .filter((e) => e.type.startsWith('trainings.'));
    expect(trainings.map((e) => e.data)).toEqual(fromHistory.map((e) => e.data));
  });
});

import { describe, expect, it } from 'vitest';
import { registry } from '@passerelle/contracts';
import { assistanceHistory, trainingHistory } from './history.js';

describe('generated histories', () => {
  it('are valid events of every kind the crash test needs, the same for the same seed', () => {
    const events = [...trainingHistory(7, 200), ...assistanceHistory(7, 300)];
    for (const { event } of events) expect(() => registry.parse(JSON.stringify(event))).not.toThrow();
    const types = new Set(events.map((e) => e.event.type));
    for (const t of ['trainings.training.attendance_corrected', 'trainings.training.cancelled', 'assistance.delivery.corrected', 'assistance.delivery.voided', 'partners.partner.updated']) expect(types).toContain(t);
    expect(events.some((e) => e.duplicate)).toBe(true);
    const keys = assistanceHistory(7, 300).flatMap(({ event }) => event.type === 'assistance.delivery.recorded' ? ((event.data as { beneficiaries?: Array<{ key: string }> }).beneficiaries ?? []).map((b) => b.key) : []);
    expect(new Set(keys).size).toBeLessThan(keys.length);
    expect(assistanceHistory(7, 50).map((e) => e.event.type)).toEqual(assistanceHistory(7, 50).map((e) => e.event.type));
  });
});

import type { Collection } from 'mongodb';
import type { Principal } from '@passerelle/platform';
import { FactKind, type Fact } from '../facts.js';
import { indicatorProgress } from '../indicators.js';
import { periodMatch } from '../periods.js';
import { SENSITIVE_KEYS } from '../suppression.js';
import { publishedFramework, protectionNote, type Protection } from './scope.js';

const sumBy = async (facts: Collection<Fact>, match: Record<string, unknown>, field: string) =>
  new Map((await facts.aggregate<{ _id: string; n: number }>([{ $match: match }, { $group: { _id: `$${field}`, n: { $sum: '$value' } } }]).toArray()).map((r) => [r._id, r.n]));

/**
 * Results by line of work: each node of the latest published framework with its indicators' progress and the
 * trainings and deliveries of the period whose activity line is the node. A delivery of few people that includes
 * children or victims of trafficking shows "<threshold" people outside the internal scope.
 */
export async function resultsByLine(facts: Collection<Fact>, frameworkId: string, periodKey: string, principal: Principal, p: Protection) {
  const fw = await publishedFramework(facts, frameworkId, principal);
  const progress = await indicatorProgress(facts, frameworkId, periodKey, principal, p);
  const country = frameworkId.split('-').pop()!;
  const codes = fw.nodes.map((n) => n.code);
  const match = { country, activity_line: { $in: codes }, ...periodMatch(progress.period) };

  const held = await facts.find({ ...match, kind: FactKind.TrainingsHeld, value: 1 }, { projection: { _id: 0, trainingId: 1, businessDate: 1, topic: 1, activity_line: 1 } }).toArray();
  const participants = await sumBy(facts, { ...match, kind: FactKind.Attendance }, 'trainingId');
  const delivered = await facts.find({ ...match, kind: FactKind.Deliveries }, { projection: { _id: 0, deliveryId: 1, businessDate: 1, what: 1, activity_line: 1 } }).toArray();
  const people = await sumBy(facts, { ...match, kind: FactKind.Beneficiaries }, 'deliveryId');
  const sensitive = await sumBy(facts, { ...match, kind: FactKind.Beneficiaries, $or: [{ age_group: { $in: [...SENSITIVE_KEYS] } }, { vulnerability: { $in: [...SENSITIVE_KEYS] } }] }, 'deliveryId');

  let hidden = 0;
  const shownPeople = (id: string) => {
    const n = people.get(id) ?? 0;
    if (p.internal || !(sensitive.get(id) ?? 0) || n >= p.threshold || n === 0) return n;
    hidden++;
    return `<${p.threshold}`;
  };
  const byDate = (a: { date: string }, b: { date: string }) => a.date.localeCompare(b.date);
  const lines = fw.nodes.map((n) => ({
    code: n.code, level: n.level, parent: n.parent ?? null, title: n.title,
    indicators: progress.indicators.filter((i) => i.node === n.code),
    trainings: held.filter((t) => t.activity_line === n.code)
      .map((t) => ({ trainingId: String(t.trainingId), date: t.businessDate, topics: (t.topic as string[]) ?? [], participants: participants.get(String(t.trainingId)) ?? 0 })).sort(byDate),
    deliveries: delivered.filter((d) => d.activity_line === n.code)
      .map((d) => ({ deliveryId: String(d.deliveryId), date: d.businessDate, kind: String(d.what), people: shownPeople(String(d.deliveryId)) })).sort(byDate),
  }));
  const suppressed = hidden + progress.indicators.reduce((s, i) => s + i.suppressedCells, 0);
  return {
    frameworkId, frameworkVersion: progress.frameworkVersion, title: fw.title, period: progress.period, lines,
    notes: ['Participants are the sum of attendance; people of a delivery are a total (a person in two deliveries counts in each).'],
    suppressedCells: suppressed, protection: protectionNote(suppressed, p),
  };
}

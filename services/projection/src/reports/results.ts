import type { FactsView } from '../query/figures.js';
import type { Principal } from '@passerelle/platform';
import { FactKind } from '../facts/facts.js';
import { periodMatch } from '../query/periods.js';
import { protectionNote, type Cell, type Policy, type Shown } from '../query/disclosure.js';
import { figure, Measure } from '../query/figures.js';
import { activitiesOf, publishedFramework } from '../query/reference.js';
import { indicatorProgress } from './progress.js';

/** A cell's value and whether it is rounded, for a key that may have no cell (nothing counted: 0). */
const shown = (cells: Cell[], key: string): { value: Shown; rounded?: true } => {
  const c = cells.find((x) => x.key === key);
  return c ? { value: c.value, ...(c.rounded ? { rounded: true as const } : {}) } : { value: 0 };
};

/**
 * Results by line of work: each node of the latest published framework with its indicators' progress and the
 * trainings and deliveries of the period whose activity line is the node. The participants of a training and
 * the people of a delivery are breakdowns by training and by delivery, published like any other.
 */
export async function resultsByLine(
  facts: FactsView,
  frameworkId: string,
  periodKey: string,
  principal: Principal,
  p: Policy,
) {
  const fw = await publishedFramework(facts, frameworkId, principal);
  const progress = await indicatorProgress(facts, frameworkId, periodKey, principal, p);
  const country = frameworkId.split('-').pop()!;
  const match = { country, activity_line: { $in: fw.nodes.map((n) => n.code) }, ...periodMatch(progress.period) };
  const { trainings, deliveries } = await activitiesOf(facts, match);
  const participants = await figure(
    facts,
    { match: { ...match, kind: FactKind.Attendance }, measure: Measure.Sum, by: 'trainingId' },
    p,
  );
  const people = await figure(
    facts,
    { match: { ...match, kind: FactKind.Beneficiaries }, measure: Measure.Unique, by: 'deliveryId' },
    p,
  );
  const byDate = (a: { date: unknown }, b: { date: unknown }) => String(a.date).localeCompare(String(b.date));
  const lines = fw.nodes.map((n) => ({
    code: n.code,
    level: n.level,
    parent: n.parent ?? null,
    title: n.title,
    indicators: progress.indicators.filter((i) => i.node === n.code),
    trainings: trainings
      .filter((t) => t.line === n.code)
      .map((t) => {
        const p = shown(participants.cells, t.trainingId);
        return {
          trainingId: t.trainingId,
          date: t.date,
          topics: t.topics,
          participants: p.value,
          ...(p.rounded ? { rounded: true as const } : {}),
        };
      })
      .sort(byDate),
    deliveries: deliveries
      .filter((d) => d.line === n.code)
      .map((d) => {
        const c = people.cells.find((x) => x.key === d.deliveryId);
        return {
          deliveryId: d.deliveryId,
          date: d.date,
          kind: d.kind,
          people: c?.value ?? 0,
          keyedPeople: c?.keyedPeople ?? 0,
          countedPeople: c?.countedPeople ?? 0,
          ...(c?.rounded ? { rounded: true as const } : {}),
          ...(c?.roundedParts ? { roundedParts: c.roundedParts } : {}),
        };
      })
      .sort(byDate),
  }));
  const suppressed =
    participants.hidden + people.hidden + progress.indicators.reduce((s, i) => s + i.suppressedCells, 0);
  return {
    frameworkId,
    frameworkVersion: progress.frameworkVersion,
    title: fw.title,
    period: progress.period,
    lines,
    notes: [
      'Participants are the sum of attendance; people of a delivery are its distinct listed people (keyedPeople) plus those counted without a list (countedPeople).',
    ],
    suppressedCells: suppressed,
    protection: protectionNote(suppressed, p),
  };
}

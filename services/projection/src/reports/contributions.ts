import type { FactsView } from '../query/figures.js';
import {
  ALIGNMENT_CATALOGUES,
  alignmentEntry,
  type Alignment,
  type AlignmentFramework,
  type Localized,
} from '@passerelle/contracts';
import type { Principal } from '@passerelle/platform';
import { indicatorDefinitions } from '../query/reference.js';
import { protectionNote } from '../query/disclosure.js';
import { indicatorProgress } from './progress.js';
import { publishedFramework, type Protection, type PublishedFramework } from './scope.js';

type Progress = Awaited<ReturnType<typeof indicatorProgress>>['indicators'][number];

export interface Contribution {
  code: string;
  label: Localized | null;
  /** SDG targets: their goal; SNIA: the strategy's group; GCM: none. */
  parent: string | null;
  indicators: Array<{
    code: string;
    name: unknown;
    unit: string;
    actual: number | string | null;
    target: number | null;
    percentOfTarget: number | null;
  }>;
  /** Nodes of the framework (lines of work, and outcomes or the objective when tagged themselves). */
  activityLines: Array<{ code: string; level: string; title: Localized }>;
}

/**
 * Pure: who contributes to each alignment code. An indicator counts for its own tags and its node's; a node's
 * line of work for its own tags and for those of its indicators.
 */
export function contributionsOf(
  nodes: PublishedFramework['nodes'],
  defs: Array<{ code: string; nodeCode: string; alignments?: Alignment[] }>,
  progress: Progress[],
) {
  const out: Record<AlignmentFramework, Map<string, Contribution>> = {
    sdg: new Map(),
    gcm: new Map(),
    snia: new Map(),
  };
  const entry = (tag: Alignment) => {
    let c = out[tag.framework].get(tag.code);
    if (!c) {
      const e = alignmentEntry(tag);
      out[tag.framework].set(
        tag.code,
        (c = { code: tag.code, label: e?.label ?? null, parent: e?.parent ?? null, indicators: [], activityLines: [] }),
      );
    }
    return c;
  };
  const addLine = (c: Contribution, code: string) => {
    const n = nodes.find((x) => x.code === code);
    if (n && !c.activityLines.some((l) => l.code === code))
      c.activityLines.push({ code, level: n.level, title: n.title });
  };
  for (const n of nodes) for (const tag of n.alignments ?? []) addLine(entry(tag), n.code);
  for (const d of defs) {
    const p = progress.find((x) => x.code === d.code);
    const node = nodes.find((n) => n.code === d.nodeCode);
    const tags = [...(d.alignments ?? []), ...(node?.alignments ?? [])];
    for (const tag of tags) {
      const c = entry(tag);
      addLine(c, d.nodeCode);
      if (p && !c.indicators.some((i) => i.code === d.code)) {
        c.indicators.push({
          code: d.code,
          name: p.name,
          unit: p.unit,
          actual: p.actual,
          target: p.target?.value ?? null,
          percentOfTarget: p.percentOfTarget,
        });
      }
    }
  }
  const sorted = (m: Map<string, Contribution>) =>
    [...m.values()].sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }));
  return { sdg: sorted(out.sdg), gcm: sorted(out.gcm), snia: sorted(out.snia) };
}

/** SDG contributions grouped by goal: a goal lists its targets, and the union of their indicators and lines. */
export function byGoal(sdg: Contribution[]) {
  const goals = new Map<string, Contribution & { targets: Contribution[] }>();
  for (const c of sdg) {
    const goal = c.parent ?? c.code.split('.')[0]!;
    let g = goals.get(goal);
    if (!g)
      goals.set(
        goal,
        (g = {
          code: goal,
          label: alignmentEntry({ framework: 'sdg', code: goal })?.label ?? null,
          parent: null,
          indicators: [],
          activityLines: [],
          targets: [],
        }),
      );
    if (c.code !== goal) g.targets.push(c);
    for (const i of c.indicators) if (!g.indicators.some((x) => x.code === i.code)) g.indicators.push(i);
    for (const l of c.activityLines) if (!g.activityLines.some((x) => x.code === l.code)) g.activityLines.push(l);
  }
  return [...goals.values()].sort((a, b) => Number(a.code) - Number(b.code));
}

/** Contributions of a framework's indicators and lines of work to SDG targets and goals, GCM objectives and SNIA OSPs. */
export async function contributions(
  facts: FactsView,
  frameworkId: string,
  periodKey: string,
  principal: Principal,
  p: Protection,
) {
  const fw = await publishedFramework(facts, frameworkId, principal);
  const progress = await indicatorProgress(facts, frameworkId, periodKey, principal, p);
  const defs = await indicatorDefinitions<{ code: string; nodeCode: string; alignments?: Alignment[] }>(
    facts,
    frameworkId,
  );
  const c = contributionsOf(fw.nodes, defs, progress.indicators);
  // Only indicator actuals are shown here; those hidden in the progress stay hidden.
  const hidden = progress.indicators.filter((i) => typeof i.actual === 'string').length;
  return {
    frameworkId,
    frameworkVersion: progress.frameworkVersion,
    period: progress.period,
    sdg: { label: ALIGNMENT_CATALOGUES.sdg.label, goals: byGoal(c.sdg) },
    gcm: { label: ALIGNMENT_CATALOGUES.gcm.label, objectives: c.gcm },
    snia: {
      label: ALIGNMENT_CATALOGUES.snia.label,
      groups: ALIGNMENT_CATALOGUES.snia.groups ?? {},
      objectives: c.snia,
    },
    suppressedCells: hidden,
    protection: protectionNote(hidden, p),
  };
}

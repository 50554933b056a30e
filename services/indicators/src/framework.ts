import {
  ActivityLine,
  alignmentProblem,
  frameworkId,
  type Alignment,
  type Country,
  type FrameworkDetails,
  type FrameworkNode,
  type IndicatorDefinition,
  type NodeLevel,
} from '@passerelle/contracts';
import { frameworkCreated, frameworkDraftEdited, frameworkPublished } from '@passerelle/contracts';
import type { Decision as KitDecision } from '@passerelle/platform';
import { check, refuse, type Problem } from './problems.js';

export interface Baseline {
  value: number;
  date: string;
  comment?: string | undefined;
  revision: number;
}
export interface Target {
  period: string;
  value: number;
  targetVersion: number;
}
export interface ReportedValue {
  period: string;
  value: number;
  date: string;
  comment: string;
  evidenceUrl?: string | undefined;
  revision: number;
}

export interface IndicatorState {
  definition: IndicatorDefinition;
  status: 'active' | 'retired';
  revision: number;
  baseline?: Baseline | undefined;
  targets: Target[];
  values: ReportedValue[];
}

export interface PublishedVersion {
  version: number;
  date: string;
  details: FrameworkDetails;
  nodes: FrameworkNode[];
  indicators: Array<{ code: string; revision: number; nodeCode: string }>;
}

/** A programme's results framework in one country: the draft tree, its indicators and the published versions. */
export interface Framework {
  programme: string;
  country: Country;
  programmeStart: string;
  details: FrameworkDetails;
  nodes: FrameworkNode[];
  indicators: IndicatorState[];
  publishedVersion: number;
  /** The draft or the indicators changed since the last published version. */
  unpublishedChanges: boolean;
  published: PublishedVersion[];
}

/** What the deciders return: the kit's decision over a framework. */
export type Decision = KitDecision<Framework>;

export interface Ctx {
  today: string;
}

/** Which level each level's parent must be. */
const PARENT_LEVELS: Record<NodeLevel, readonly NodeLevel[]> = {
  objective: [],
  outcome: ['objective'],
  output: ['outcome'],
  activity_line: ['output', 'outcome'],
};

/** The draft of an event of this framework for its type's builder: the framework id is the subject and leads the data. */
export function frameworkDraft<D extends object>(f: Pick<Framework, 'programme' | 'country'>, data: D) {
  const id = frameworkId(f.programme, f.country);
  return { subject: id, country: f.country, data: { frameworkId: id, ...data } };
}

/** Problems with the tags of one node or indicator. */
export function alignmentProblems(tags: Alignment[], country: string, path: string): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  tags.forEach((tag, i) => {
    const message = alignmentProblem(tag, country);
    if (message) problems.push({ code: 'UNKNOWN_ALIGNMENT', path: `${path}.${i}`, message });
    const key = `${tag.framework}:${tag.code}`;
    if (seen.has(key))
      problems.push({
        code: 'UNKNOWN_ALIGNMENT',
        path: `${path}.${i}`,
        message: `${tag.framework} ${tag.code} is tagged twice`,
      });
    seen.add(key);
  });
  return problems;
}

/** Every structural problem of a tree: one objective, unique codes, parents at the right level, known tags. */
export function treeProblems(nodes: FrameworkNode[], country: string): Problem[] {
  const problems: Problem[] = [];
  const tree = (path: string, message: string) => problems.push({ code: 'INVALID_TREE', path, message });
  const byCode = new Map<string, FrameworkNode>();
  nodes.forEach((n, i) => {
    if (byCode.has(n.code)) tree(`nodes.${i}.code`, `node ${n.code} appears twice`);
    byCode.set(n.code, n);
  });
  const objectives = nodes.filter((n) => n.level === 'objective');
  if (objectives.length !== 1) tree('nodes', `a framework has exactly one objective; found ${objectives.length}`);
  nodes.forEach((n, i) => {
    const allowed = PARENT_LEVELS[n.level];
    if (n.level === 'objective') {
      if (n.parent !== undefined) tree(`nodes.${i}.parent`, `the objective ${n.code} has no parent`);
    } else {
      const parent = n.parent === undefined ? undefined : byCode.get(n.parent);
      if (!parent)
        tree(
          `nodes.${i}.parent`,
          n.parent === undefined
            ? `${n.level} ${n.code} needs a parent (${allowed.join(' or ')})`
            : `${n.level} ${n.code}: parent ${n.parent} is not in the framework`,
        );
      else if (!allowed.includes(parent.level))
        tree(
          `nodes.${i}.parent`,
          `the parent of ${n.level} ${n.code} must be ${allowed.join(' or ')}, not ${parent.level} ${parent.code}`,
        );
    }
    if (n.level === 'activity_line' && !ActivityLine.safeParse(n.code).success)
      tree(`nodes.${i}.code`, `activity line codes look like 1.1 (the code events carry); got ${n.code}`);
    problems.push(...alignmentProblems(n.alignments, country, `nodes.${i}.alignments`));
  });
  return problems;
}

/** Problems when a new tree would leave active indicators measuring nodes it no longer has. */
function orphanProblems(nodes: FrameworkNode[], indicators: IndicatorState[]): Problem[] {
  const codes = new Set(nodes.map((n) => n.code));
  return indicators
    .filter((i) => i.status === 'active' && !codes.has(i.definition.nodeCode))
    .map((i) => ({
      code: 'NODE_IN_USE',
      path: 'nodes',
      message: `indicator ${i.definition.code} measures node ${i.definition.nodeCode}; keep the node or move the indicator first`,
    }));
}

/** Starts a framework as a draft. */
export function createFramework(
  cmd: { programme: string; country: Country; programmeStart: string; nodes: FrameworkNode[] } & FrameworkDetails,
  ctx: Ctx,
): Decision {
  check(treeProblems(cmd.nodes, cmd.country));
  const { programme, country, programmeStart, nodes, ...details } = cmd;
  const state: Framework = {
    programme,
    country,
    programmeStart,
    details,
    nodes,
    indicators: [],
    publishedVersion: 0,
    unpublishedChanges: true,
    published: [],
  };
  return {
    state,
    events: [
      frameworkCreated.build(
        frameworkDraft(state, { programme, programmeStart, title: details.title, businessDate: ctx.today }),
      ),
    ],
  };
}

/** Replaces the draft's details and whole tree. */
export function replaceDraft(
  f: Framework,
  cmd: FrameworkDetails & { nodes: FrameworkNode[]; programmeStart?: string | undefined },
  ctx: Ctx,
): Decision {
  const problems = [...treeProblems(cmd.nodes, f.country), ...orphanProblems(cmd.nodes, f.indicators)];
  // Target and value events carry programme-year bounds computed from the start date; moving it would contradict them.
  const measured = f.indicators.some((i) => i.targets.length > 0 || i.values.length > 0);
  if (cmd.programmeStart && cmd.programmeStart !== f.programmeStart && measured) {
    problems.push({
      code: 'PROGRAMME_START_LOCKED',
      path: 'programmeStart',
      message: `targets or values already count programme years from ${f.programmeStart}; the start date can no longer change`,
    });
  }
  check(problems);
  const { nodes, programmeStart, ...details } = cmd;
  const state: Framework = {
    ...f,
    details,
    nodes,
    programmeStart: programmeStart ?? f.programmeStart,
    unpublishedChanges: true,
  };
  return {
    state,
    events: [frameworkDraftEdited.build(frameworkDraft(f, { change: 'details_replaced', businessDate: ctx.today }))],
  };
}

/** Adds a node to the draft, or replaces the node with that code. */
export function saveNode(f: Framework, node: FrameworkNode, ctx: Ctx): Decision {
  const existing = f.nodes.findIndex((n) => n.code === node.code);
  const nodes = existing < 0 ? [...f.nodes, node] : f.nodes.map((n, i) => (i === existing ? node : n));
  check(treeProblems(nodes, f.country));
  return {
    state: { ...f, nodes, unpublishedChanges: true },
    events: [
      frameworkDraftEdited.build(
        frameworkDraft(f, { change: 'node_saved', nodeCode: node.code, businessDate: ctx.today }),
      ),
    ],
  };
}

/** Removes a leaf node that no active indicator measures. */
export function removeNode(f: Framework, code: string, ctx: Ctx): Decision {
  const node = f.nodes.find((n) => n.code === code);
  if (!node) refuse([{ code: 'UNKNOWN_NODE', path: 'code', message: `node ${code} is not in the framework` }]);
  if (node.level === 'objective')
    refuse([
      { code: 'NODE_HAS_CHILDREN', path: 'code', message: 'the objective cannot be removed; replace it instead' },
    ]);
  const children = f.nodes.filter((n) => n.parent === code).map((n) => n.code);
  if (children.length)
    refuse([
      {
        code: 'NODE_HAS_CHILDREN',
        path: 'code',
        message: `node ${code} has children (${children.join(', ')}); remove them first`,
      },
    ]);
  const nodes = f.nodes.filter((n) => n.code !== code);
  check(orphanProblems(nodes, f.indicators));
  return {
    state: { ...f, nodes, unpublishedChanges: true },
    events: [
      frameworkDraftEdited.build(
        frameworkDraft(f, { change: 'node_removed', nodeCode: code, businessDate: ctx.today }),
      ),
    ],
  };
}

/** Publishes the draft as the next version, with the revision of each active indicator. */
export function publish(f: Framework, note: string | undefined, ctx: Ctx): Decision {
  if (!f.unpublishedChanges)
    refuse([
      {
        code: 'NOTHING_TO_PUBLISH',
        path: '',
        message: `version ${f.publishedVersion} is already the current framework; edit it before publishing again`,
      },
    ]);
  const version = f.publishedVersion + 1;
  const indicators = f.indicators
    .filter((i) => i.status === 'active')
    .map((i) => ({ code: i.definition.code, revision: i.revision, nodeCode: i.definition.nodeCode }));
  const published: PublishedVersion = { version, date: ctx.today, details: f.details, nodes: f.nodes, indicators };
  const state: Framework = {
    ...f,
    publishedVersion: version,
    unpublishedChanges: false,
    published: [...f.published, published],
  };
  return {
    state,
    events: [
      frameworkPublished.build(
        frameworkDraft(f, {
          programme: f.programme,
          programmeStart: f.programmeStart,
          frameworkVersion: version,
          ...f.details,
          nodes: f.nodes,
          indicators,
          ...(note ? { note } : {}),
          businessDate: ctx.today,
        }),
      ),
    ],
  };
}

import type { ModelView } from '../apply/read-model.js';
import { publish, publishedChange, type Policy, type Shown } from './disclosure.js';
import { figure, type FigureQuery } from './figures.js';
import { asksAboutProtectedGroup, namesProtectedGroup, protectionOf } from './protection.js';
import { readFacts } from './read.js';
import { keysOf, tallyOf, type Doc } from './tally.js';

type Query = Pick<FigureQuery, 'match' | 'measure' | 'field' | 'by'>;

export interface CellChange {
  key: string | null;
  from: Shown;
  to: Shown;
  /** to − from, when both ends can be shown. */
  change: number | null;
  /** An end (so the change) has its protected part rounded. */
  rounded?: true;
}

/** One event that changed the figure, listed once, with what it changed in each cell (rows or people, as the measure counts). */
export interface Cause {
  eventId: string | null;
  eventType: string | null;
  recordedAt: string | null;
  source: string;
  cells: Array<{ key: string | null; change: number | null; rounded?: true }>;
}

const CAUSE_FIELDS = ['source', 'eventId', 'eventType', 'recordedAt'];

/**
 * What changed in a figure between two models (record time `from` and `to`): each cell whose published value moved,
 * and the events behind the moves, each listed once and paged. Every number is published: the ends of a change and
 * each event's share follow the same rule as any figure, and a change is only the difference of two shown values.
 */
export async function diffFigure(
  before: ModelView,
  after: ModelView,
  q: Query,
  page: { page: number; pageSize: number },
  policy: Policy,
) {
  const [a, b] = await Promise.all([figure(before.facts, q, policy), figure(after.facts, q, policy)]);
  const cellIn = (cells: typeof a.cells, key: string | null) => cells.find((c) => c.key === key) ?? { key, value: 0 };
  const keys = [...new Set([...a.cells, ...b.cells].map((c) => c.key))];
  const changes: CellChange[] = keys
    .map((key) => ({ key, was: cellIn(a.cells, key), now: cellIn(b.cells, key) }))
    .filter(({ was, now }) => was.value !== now.value)
    .map(({ key, was, now }) => ({
      key,
      from: was.value,
      to: now.value,
      change: publishedChange(was.value, now.value),
      ...(was.rounded || now.rounded ? { rounded: true as const } : {}),
    }));

  const fields = [q.field, q.by, ...CAUSE_FIELDS];
  const [docsA, docsB, protA, protB] = await Promise.all([
    readFacts(before.facts, q.match, fields),
    readFacts(after.facts, q.match, fields),
    protectionOf(before.facts, q.match),
    protectionOf(after.facts, q.match),
  ]);
  const asked = asksAboutProtectedGroup(q.match);
  const inCell = (docs: Doc[], key: string | null) =>
    q.by ? docs.filter((d) => keysOf(d, { by: q.by }).includes(key)) : docs;
  const bySource = (docs: Doc[]) =>
    docs.reduce((m, d) => m.set(String(d.source), [...(m.get(String(d.source)) ?? []), d]), new Map<string, Doc[]>());
  const causes = new Map<string, Cause>();
  for (const { key } of changes) {
    const [was, now] = [bySource(inCell(docsA, key)), bySource(inCell(docsB, key))];
    for (const source of new Set([...was.keys(), ...now.keys()])) {
      const [oldDocs, newDocs] = [was.get(source) ?? [], now.get(source) ?? []];
      const events = (ds: Doc[]) => [...new Set(ds.map((d) => String(d.eventId)))].sort().join();
      if (events(oldDocs) === events(newDocs)) continue;
      const by = newDocs[0]
        ? {
            eventId: String(newDocs[0].eventId),
            eventType: String(newDocs[0].eventType),
            recordedAt: String(newDocs[0].recordedAt),
          }
        : await after.lastEventOf(source);
      const sensitive = asked || namesProtectedGroup(q.by, key);
      const [from, to] = [
        publish(tallyOf(oldDocs, q, protA), policy, sensitive),
        publish(tallyOf(newDocs, q, protB), policy, sensitive),
      ];
      const id = by.eventId ?? `source:${source}`;
      const cause = causes.get(id) ?? causes.set(id, { ...by, source, cells: [] }).get(id)!;
      cause.cells.push({
        key,
        change: publishedChange(from.value, to.value),
        ...(from.rounded || to.rounded ? { rounded: true as const } : {}),
      });
    }
  }
  const all = [...causes.values()].sort(
    (x, y) =>
      String(x.recordedAt).localeCompare(String(y.recordedAt)) || String(x.eventId).localeCompare(String(y.eventId)),
  );
  const start = (page.page - 1) * page.pageSize;
  return {
    changes,
    causes: {
      items: all.slice(start, start + page.pageSize),
      page: page.page,
      pageSize: page.pageSize,
      total: all.length,
      more: start + page.pageSize < all.length,
    },
    suppressedCells: a.hidden + b.hidden,
  };
}

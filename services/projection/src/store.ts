import type { Db } from 'mongodb';
import type { Envelope } from '@passerelle/contracts';
import { ensureIndexes } from '@passerelle/platform';
import { changesOf, FactKind, type Fact, type ParticipantDimension } from './domain.js';

interface SourceDoc {
  _id: string;
  lastSeq: number;
  eventId: string;
}

export interface ReportFilter {
  countries?: string[] | undefined;
  country?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The reporting read model: facts replaced per source, each source guarded by the last stream sequence applied. */
export async function createReadModel(db: Db) {
  const facts = db.collection<Fact>('rm_facts');
  const sources = db.collection<SourceDoc>('rm_sources');
  const checkpoint = db.collection<{ _id: string; seq: number; at: Date }>('rm_checkpoint');
  await ensureIndexes(db, {
    rm_facts: [
      { key: { source: 1 }, name: 'by_source' },
      { key: { kind: 1, country: 1, businessDate: 1 }, name: 'by_kind_country_date' },
    ],
  });

  return {
    /**
     * Applies one event at stream sequence `seq`, at most once in effect. The source guard is written last:
     * a crash before it makes the redelivery write the same facts again, which changes nothing.
     */
    async apply(event: Envelope, seq: number): Promise<'applied' | 'duplicate' | 'ignored'> {
      const changes = changesOf(event);
      let outcome: 'applied' | 'duplicate' | 'ignored' = changes.length ? 'applied' : 'ignored';
      for (const change of changes) {
        const seen = await sources.findOne({ _id: change.source });
        if (seen && seen.lastSeq >= seq) {
          outcome = 'duplicate';
          continue;
        }
        const docs: Fact[] = change.facts.map((f, i) => ({
          ...f, _id: `${change.source}#${i}`, source: change.source, eventId: event.id, eventType: event.type, country: event.country, recordedAt: event.time,
        }));
        if (docs.length) await facts.bulkWrite(docs.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })), { ordered: false });
        // Facts of the previous version of this source beyond the new count are gone.
        await facts.deleteMany({ source: change.source, _id: { $nin: docs.map((d) => d._id) } });
        await sources.updateOne({ _id: change.source }, { $set: { lastSeq: seq, eventId: event.id } }, { upsert: true });
      }
      await checkpoint.updateOne({ _id: 'projection' }, { $max: { seq }, $set: { at: new Date() } }, { upsert: true });
      return outcome;
    },
    async lastSeq(): Promise<number> {
      return (await checkpoint.findOne({ _id: 'projection' }))?.seq ?? 0;
    },
    /** Participants of held trainings, grouped by one dimension (a training with two topics counts under both). */
    async participants(by: ParticipantDimension, filter: ReportFilter): Promise<Array<{ key: string; participants: number }>> {
      const match: Record<string, unknown> = { kind: FactKind.Attendance };
      if (filter.country) match.country = filter.country;
      else if (filter.countries) match.country = { $in: filter.countries };
      if (filter.from || filter.to) match.businessDate = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
      const sum = async (m: Record<string, unknown>, key: string) =>
        facts.aggregate<{ _id: string | null; n: number }>([{ $match: m }, { $group: { _id: key, n: { $sum: '$value' } } }]).toArray();
      let rows: Array<{ _id: string | null; n: number }>;
      if (by === 'topic') {
        // Topics are an array; grouping per topic without $unwind keeps to what FerretDB computes correctly.
        const topics = (await facts.distinct('topics', match)) as string[];
        rows = (await Promise.all(topics.map(async (t) => ({ _id: t, n: (await sum({ ...match, topics: t }, '$kind'))[0]?.n ?? 0 }))));
      } else {
        rows = await sum(match, `$${by}`);
      }
      return rows.filter((r) => r._id !== null).map((r) => ({ key: r._id!, participants: r.n })).sort((a, b) => a.key.localeCompare(b.key));
    },
  };
}
export type ReadModel = Awaited<ReturnType<typeof createReadModel>>;

import { registry } from '@passerelle/contracts';
import { DLQ_HEADERS, NotFoundError, RuleViolation, type Runtime } from '@passerelle/platform';
import type { Generations } from './generations.js';
import { readModel } from './read-model.js';

/** Dead letters of the projection: listed for admins, and replayed into the read model once the cause is fixed. */
export function deadLetters(rt: Pick<Runtime, 'js' | 'jsm' | 'streams' | 'db'>, generations: Generations) {
  const replays = rt.db.collection<{ _id: number; at: Date; actor: string }>('rm_dead_letter_replays');

  async function read(seq: number) {
    const m = await rt.jsm.streams.getMessage(rt.streams.deadLetter, { seq }).catch(() => null);
    if (!m) throw new NotFoundError('dead letter', String(seq));
    const h = (k: string) => m.header.get(k) || undefined;
    let event: { id?: string; type?: string } = {};
    try {
      event = JSON.parse(new TextDecoder().decode(m.data)) as typeof event;
    } catch {
      /* not JSON: shown as it is */
    }
    return {
      seq,
      at: m.time.toISOString(),
      reason: h(DLQ_HEADERS.reason),
      consumer: h(DLQ_HEADERS.consumer),
      originalSequence: Number(h(DLQ_HEADERS.sequence)),
      originalSubject: h(DLQ_HEADERS.subject),
      deliveries: Number(h(DLQ_HEADERS.deliveries)),
      eventId: typeof event.id === 'string' ? event.id : undefined,
      eventType: typeof event.type === 'string' ? event.type : undefined,
    };
  }

  return {
    /** A page of dead letters, oldest first, with whether each was replayed. */
    async list(page: { page: number; pageSize: number }) {
      const info = await rt.jsm.streams.info(rt.streams.deadLetter);
      const first = info.state.first_seq + (page.page - 1) * page.pageSize;
      const items = [];
      for (let seq = first; seq <= info.state.last_seq && items.length < page.pageSize; seq++) {
        const item = await read(seq).catch(() => undefined);
        if (item) items.push({ ...item, replayedAt: (await replays.findOne({ _id: seq }))?.at });
      }
      return { items, total: info.state.messages };
    },
    /** Applies the original event again with today's code: after a fix (e.g. an upcaster), it now projects. */
    async replay(seq: number, actor: string) {
      const letter = await read(seq);
      const original = await rt.jsm.streams
        .getMessage(rt.streams.stream, { seq: letter.originalSequence })
        .catch(() => null);
      if (!original) throw new NotFoundError('original event at stream sequence', String(letter.originalSequence));
      let event;
      try {
        event = registry.parse(original.data, original.subject);
      } catch (e) {
        throw new RuleViolation('STILL_INVALID', `the event still fails validation: ${(e as Error).message}`);
      }
      await readModel(rt.db, await generations.current()).applyBatch([{ event, seq: letter.originalSequence }]);
      await replays.updateOne({ _id: seq }, { $set: { at: new Date(), actor } }, { upsert: true });
      return { ...letter, replayed: true };
    },
  };
}

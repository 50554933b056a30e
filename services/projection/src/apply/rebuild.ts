import type { Runtime } from '@passerelle/platform';
import type { Generations } from './generations.js';
import { readModel } from './read-model.js';
import { replay } from './replay.js';

type Deps = Pick<Runtime, 'js' | 'jsm' | 'streams' | 'db' | 'logger'>;

/** Rows of cells a rebuild holds in memory before writing them (a few tens of MiB). */
export const REBUILD_HELD_ROWS = 100_000;

/**
 * Rebuilds the read model from the whole stream into a new generation, switches readers and the live projector
 * to it once it has caught up, and drops the old one. Reports stay on the old generation until the switch,
 * so they are never empty or half built.
 */
export async function rebuild(
  rt: Deps,
  generations: Generations,
  opts: { batchSize?: number; heldRows?: number } = {},
): Promise<{ generation: number; applied: number; lastSeq: number }> {
  const previous = await generations.current();
  const gen = await generations.allocate();
  await generations.ensureIndexes(gen);
  const into = readModel(rt.db, gen);
  let applied = 0;
  let reached: number;
  // Nobody reads the new generation before the switch and a failed rebuild is never resumed: cells are written
  // every REBUILD_HELD_ROWS rows instead of every batch (cell-store.ts).
  await into.holdCells(opts.heldRows ?? REBUILD_HELD_ROWS);
  // Catch up until a pass finds nothing new, then switch, then one more pass for what arrived meanwhile:
  // events applied twice change nothing.
  for (;;) {
    const r = await replay({ ...rt, into, ...opts });
    applied += r.applied;
    reached = r.lastSeq;
    if (r.applied === 0) break;
  }
  await into.releaseCells();
  await generations.switchTo(gen);
  await new Promise((r) => setTimeout(r, 600));
  // From where the catch-up stopped, not from the new generation's checkpoint: once switched, live workers move that
  // checkpoint past events they had applied to the old generation only (before they saw the switch, or in another
  // partition), and those must still reach the new one.
  applied += (await replay({ ...rt, into, ...opts, from: reached + 1 })).applied;
  await generations.drop(previous);
  const lastSeq = await into.lastSeq();
  rt.logger.info({ generation: gen, previous, applied, lastSeq }, 'read model rebuilt');
  return { generation: gen, applied, lastSeq };
}

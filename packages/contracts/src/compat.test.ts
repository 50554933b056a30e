import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allEvents } from './catalog.js';
import { checkCompatibility, type ReleasedSchema } from './compat.js';
import { trainingHeld } from './events/trainings.js';
import { defineEvent, type EventDefinition } from './registry.js';

// The compatibility gate of CI: the current contracts against schemas/released/, the last released ones. A breaking
// change needs a new dataversion with an upcaster (packages/events/README.md, "Versioning rules").
const dir = join(import.meta.dirname, '..', 'schemas', 'released');
const released: ReleasedSchema[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => {
    const [, type, version] = /^(.+)\.v(\d+)\.json$/.exec(f)!;
    return {
      type: type!,
      version: version!,
      schema: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>,
    };
  })
  .filter((r, _i, all) => !all.some((o) => o.type === r.type && Number(o.version) > Number(r.version)));

const withHeld = (held: EventDefinition<string, z.ZodType<any>>): EventDefinition[] => [
  ...allEvents.filter((d) => d.type !== held.type),
  held,
];
const heldData = trainingHeld.data;

describe('the compatibility gate', () => {
  it('passes: the current contracts can replace the released ones', () => {
    expect(checkCompatibility(released, allEvents)).toEqual([]);
  });

  it('fails a breaking change made without a new dataversion: a renamed field', () => {
    const renamed = {
      ...trainingHeld,
      data: heldData.omit({ durationDays: true }).extend({ days: z.number().int().positive() }),
    };
    expect(checkCompatibility(released, withHeld(renamed))).toEqual([
      {
        type: 'trainings.training.held',
        path: '.data.durationDays',
        message: 'field removed without a new dataversion',
      },
      {
        type: 'trainings.training.held',
        path: '.data.days',
        message: 'required field added without a new dataversion',
      },
    ]);
  });

  it('fails other breaking changes: a field made required, a bound tightened, an enum changed, a type removed', () => {
    const tighter = {
      ...trainingHeld,
      data: heldData.extend({
        region: z.string(),
        durationDays: z.number().int().positive().max(30),
        activityLine: z.literal('1.1'),
      }),
    };
    const messages = checkCompatibility(released, withHeld(tighter)).map((p) => `${p.path} ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        '.data.region optional field became required without a new dataversion',
        '.data.durationDays maximum lowered from 9007199254740991 to 30 without a new dataversion',
      ]),
    );
    expect(messages.some((m) => m.startsWith('.data.activityLine'))).toBe(true);
    expect(
      checkCompatibility(
        released,
        allEvents.filter((d) => d.type !== 'trainings.training.held'),
      ),
    ).toEqual([
      {
        type: 'trainings.training.held',
        path: '(type)',
        message: 'event type removed: consumers and the stream still have it',
      },
    ]);
  });

  it('passes an additive change: a new optional field, a longer limit, a new event type', () => {
    const added = { ...trainingHeld, data: heldData.extend({ venue: z.string().max(200).optional() }) };
    const newType = defineEvent({
      type: 'trainings.training.certified',
      version: '1',
      description: 'test',
      data: z.strictObject({ businessDate: z.string() }),
      businessDate: (d) => d.businessDate,
    });
    expect(checkCompatibility(released, [...withHeld(added), newType])).toEqual([]);
  });

  it('passes a breaking change made as a new dataversion with an upcaster from the released one, and fails it without', () => {
    const data = heldData.omit({ durationDays: true }).extend({ days: z.number().int().positive() });
    const v2 = defineEvent({
      type: trainingHeld.type,
      description: trainingHeld.description,
      businessDate: (d) => d.businessDate,
      version: '2',
      data,
    });
    expect(checkCompatibility(released, withHeld(v2))).toEqual([
      {
        type: 'trainings.training.held',
        path: '(dataversion)',
        message: 'dataversion 2 has no upcaster from the released 1',
      },
    ]);
    const upcast = {
      ...v2,
      upcasters: {
        '1': (old: unknown) => {
          const { durationDays, ...rest } = old as { durationDays: number };
          return { ...rest, days: durationDays };
        },
      },
    };
    expect(checkCompatibility(released, withHeld(upcast))).toEqual([]);
  });
});

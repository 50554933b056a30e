import { z } from 'zod';
import { pageOf } from '@passerelle/platform';
import { Cell, Names, Protection, Shown } from './common.js';

// What the figure, reference and admin routes of app.ts answer.

export const ParticipantsAnswer = z.object({
  by: z.string(),
  unit: z.string(),
  rows: z.array(
    z
      .object({ participants: Shown, suppressed: z.literal(true).optional(), rounded: z.literal(true).optional() })
      .catchall(z.string().nullable())
      .describe(
        'the dimension asked (`by`) names the field holding the row\'s value, e.g. {"topic": "child_protection", "participants": 42}',
      ),
  ),
  ...Protection,
});

export const FigureAnswer = z.object({
  source: z.string(),
  measure: z.string(),
  period: z.string(),
  asOf: z.string().nullable(),
  generation: z.number().int(),
  rows: z.array(Cell.extend({ counting: z.string().optional().describe('unique people: how the figure counts') })),
  ...Protection,
});

export const ExplainAnswer = pageOf(
  z
    .object({
      eventId: z.string(),
      eventType: z.string(),
      businessDate: z.string(),
      recordedAt: z.string(),
      source: z.string(),
      value: z.number().optional(),
      key: z.string().optional(),
      seq: z.number().int(),
    })
    .partial(),
).extend({ rule: z.object({ source: z.string(), measure: z.string() }) });

const Change = z.number().nullable().describe('to − from, when both ends can be shown');
export const DiffAnswer = z.object({
  from: z.string(),
  to: z.string(),
  source: z.string(),
  measure: z.string(),
  changes: z.array(
    z.object({
      key: z.string().nullable(),
      from: Shown,
      to: Shown,
      change: Change,
      rounded: z.literal(true).optional(),
    }),
  ),
  causes: z.object({
    items: z.array(
      z.object({
        eventId: z.string().nullable(),
        eventType: z.string().nullable(),
        recordedAt: z.string().nullable(),
        source: z.string(),
        cells: z.array(z.object({ key: z.string().nullable(), change: Change, rounded: z.literal(true).optional() })),
      }),
    ),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
    more: z.boolean(),
  }),
  ...Protection,
});

export const PartnersAnswer = z.array(
  z.object({
    partnerId: z.string(),
    country: z.string(),
    name: Names,
    acronym: z.string().nullable(),
    type: z.string(),
    level: z.string(),
    region: z.string().nullable(),
    active: z.boolean(),
    since: z.string().describe('business date of the latest partner event'),
  }),
);

const RebuildJob = z.object({
  state: z.enum(['running', 'done', 'failed']),
  startedAt: z.iso.datetime(),
  by: z.string(),
  result: z.object({ generation: z.number().int(), applied: z.number().int(), lastSeq: z.number().int() }).optional(),
  error: z.string().optional(),
});
export const RebuildAnswer = RebuildJob;

export const StatusAnswer = z.object({
  generation: z.number().int(),
  lastApplied: z.number().int(),
  streamHead: z.number().int(),
  lag: z.number().int().describe('events of this partition not yet applied'),
  role: z.literal('api').optional().describe('a reporting replica: consumes nothing'),
  eventsPerSecond: z.number().optional(),
  handled: z.number().int().optional(),
  lastSweep: z.object({ at: z.iso.datetime(), removed: z.number().int() }).optional(),
  deadLetters: z.number().int(),
  reportCache: z.object({
    entries: z.number().int(),
    facts: z.number().int(),
    maxFacts: z.number().int(),
    hits: z.number().int(),
    misses: z.number().int(),
  }),
  rebuild: RebuildJob.optional(),
});

const DeadLetter = z.object({
  seq: z.number().int(),
  at: z.iso.datetime(),
  reason: z.string().optional(),
  consumer: z.string().optional(),
  originalSequence: z.number().int(),
  originalSubject: z.string().optional(),
  deliveries: z.number().int(),
  eventId: z.string().optional(),
  eventType: z.string().optional(),
});
export const DeadLetterPage = pageOf(DeadLetter.extend({ replayedAt: z.iso.datetime().optional() }));
export const ReplayAnswer = DeadLetter.extend({ replayed: z.literal(true) });

import { z } from 'zod';

// Building blocks of the reporting API's response schemas: every number a report shows comes through the disclosure
// layer (query/disclosure.ts), so the same few shapes recur.

/** A number as it may leave the API: the number, "<5" for a hidden cell, or null for one hidden to protect another. */
export const Shown = z
  .union([z.number(), z.string(), z.null()])
  .describe('a number, "<threshold" when hidden, or null');

/** The flags and parts a published number may carry. */
export const PublishedParts = {
  suppressed: z.literal(true).optional().describe('hidden: a small cell of a protected group'),
  rounded: z
    .literal(true)
    .optional()
    .describe('its part that counts protected people is rounded to a multiple of the threshold'),
  keyedPeople: Shown.optional().describe('unique people: distinct people of beneficiary lists'),
  countedPeople: Shown.optional().describe(
    'unique people: people counted without a list (may have been counted before)',
  ),
  roundedParts: z.array(z.enum(['keyedPeople', 'countedPeople'])).optional(),
};

/** One cell of a figure, `key` the value of the breakdown dimension (null for the total). */
export const Cell = z.object({ key: z.string().nullable(), value: Shown, ...PublishedParts });

/** Names in the programme's languages (partners may add Arabic). */
export const Names = z.object({ fr: z.string(), en: z.string(), ar: z.string().optional() });

/** A period as reports resolve it. */
export const PeriodRange = z.object({ key: z.string(), from: z.string().nullable(), to: z.string().nullable() });

/** How many cells were hidden, and the sentence that says what protection applied. */
export const Protection = { suppressedCells: z.number().int().nonnegative(), protection: z.string() };

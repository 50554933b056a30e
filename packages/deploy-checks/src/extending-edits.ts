// The edits docs/extending.md's recipes 1 and 3 describe, file by file, as extending.int.test.ts applies them to a
// copy of the repository: a partner's `website` (recipe 1), then `modality` of trainings (recipe 3: first the value
// on the events the facts come from, then the dimension). Each edit inserts a line or two beside an anchor that must
// occur exactly once, so a change of the code around it fails here, loudly, rather than edit the wrong place.

/** An edit of one file's text; `file` names it in errors. */
export type Edit = (source: string, file: string) => string;

/** Replaces the one occurrence of `anchor`; throws when it is missing or occurs twice. */
export const replace =
  (anchor: string, by: string): Edit =>
  (source, file) => {
    const at = source.indexOf(anchor);
    if (at < 0) throw new Error(`${file}: anchor not found: ${JSON.stringify(anchor)}`);
    if (source.indexOf(anchor, at + 1) >= 0) throw new Error(`${file}: anchor occurs twice: ${JSON.stringify(anchor)}`);
    return source.slice(0, at) + by + source.slice(at + anchor.length);
  };

/** Inserts `text` right after the one occurrence of `anchor`. */
export const after = (anchor: string, text: string): Edit => replace(anchor, anchor + text);

/** Several edits of one file, in order. */
export const all =
  (...edits: Edit[]): Edit =>
  (source, file) =>
    edits.reduce((s, e) => e(s, file), source);

/** Recipe 1: `website` on every partner event, shown by reports (the table's rows, every one). */
export const WEBSITE: Record<string, Edit> = {
  'packages/contracts/src/events/partners.ts': after(
    '  region: z.string().trim().min(1).max(120).optional(),\n',
    '  website: z.url().max(300).optional(),\n',
  ),
  'services/partners/src/schemas.ts': all(
    after('  region: Region.optional(),\n', '  website: z.url().max(300).optional(),\n'),
    after('  region: Region.nullable().optional(),\n', '  website: z.url().max(300).nullable().optional(),\n'),
  ),
  'services/partners/src/domain.ts': all(
    after('  region?: string | undefined;\n', '  website?: string | undefined;\n'),
    after('  region?: string | null | undefined;\n', '  website?: string | null | undefined;\n'),
    after('    region: p.region,\n', '    website: p.website,\n'),
    // Kept out of `changed` (a closed enum: a new value would need a new dataversion), as the guide's first choice.
    after(
      '    changed.push(field);\n  }\n',
      '  if (patch.website !== undefined) next.website = patch.website ?? undefined;\n',
    ),
  ),
  'services/partners/src/responses.ts': after(
    '  region: z.string().optional(),\n',
    '  website: z.string().optional(),\n',
  ),
  'services/projection/src/facts/facts-partners.ts': after(
    '        parentId: d.parentId ?? null,\n',
    '        website: d.website ?? null,\n',
  ),
  'services/projection/src/query/reference.ts': after(
    '    region: (f.region as string | undefined) ?? null,\n',
    '    website: (f.website as string | null | undefined) ?? null,\n',
  ),
  'services/projection/src/responses/figures.ts': after(
    '    region: z.string().nullable(),\n',
    '    website: z.string().nullable(),\n',
  ),
};

/** Recipe 3, first step: `modality` on the events trainings' facts come from (held, attendance, assessment). */
export const MODALITY_ON_EVENTS: Record<string, Edit> = {
  'packages/contracts/src/events/trainings.ts': all(
    // Attendance (recorded and corrected share it), held, then assessment: each anchor ends its data.
    after('  activityLine: ActivityLine,\n  region: z.string().optional(),\n', '  modality: Modality.optional(),\n'),
    replace(
      '    region: z.string().optional(),\n    partnerIds: z.array(z.string().min(1).max(64)),\n  }),',
      '    region: z.string().optional(),\n    partnerIds: z.array(z.string().min(1).max(64)),\n    modality: Modality.optional(),\n  }),',
    ),
    replace(
      '    region: z.string().optional(),\n  }),',
      '    region: z.string().optional(),\n    modality: Modality.optional(),\n  }),',
    ),
  ),
  'services/trainings/src/domain.ts': after('  activityLine: t.activityLine,\n', '  modality: t.modality,\n'),
};

/** Recipe 3, the dimension: `modality`, a new closed list, offered by /reports/participants and the trainings summary. */
export const MODALITY_DIMENSION: Record<string, Edit> = {
  'packages/contracts/src/dimensions.ts': all(
    after(
      "import { PARTNER_TYPES } from './events/partners.js';\n",
      "import { Modality } from './events/trainings.js';\n",
    ),
    after(
      '    summaries: { assistance: { place: 5 } },\n  },\n',
      [
        '  modality: {',
        "    field: 'modality',",
        "    label: { en: 'Modality', fr: 'Modalité' },",
        "    values: 'modality',",
        '    closed: Modality.options,',
        '    participants: true,',
        '    summaries: { trainings: { place: 5 } },',
        '  },',
        '',
      ].join('\n'),
    ),
  ),
  'packages/contracts/src/indicator-rules.ts': all(
    after(
      "dimensions: ['topic', 'participant_category', 'activity_line', 'region', 'sex', 'age_group'",
      ", 'modality'",
    ),
    replace("dimensions: ['topic', 'activity_line'],", "dimensions: ['topic', 'activity_line', 'modality'],"),
    replace(
      "dimensions: ['topic', 'activity_line', 'region'],",
      "dimensions: ['topic', 'activity_line', 'region', 'modality'],",
    ),
  ),
  'packages/contracts/src/labels.ts': all(
    after(
      "import { PARTNER_TYPES } from './events/partners.js';\n",
      "import { Modality } from './events/trainings.js';\n",
    ),
    after(
      "    donor: v('Donor', 'Bailleur', 'bailleur de fonds'),\n  },\n",
      [
        '  modality: {',
        "    in_person: v('In person', 'En présentiel', 'face to face', 'présentiel'),",
        "    online: v('Online', 'En ligne', 'remote', 'à distance'),",
        "    hybrid: v('Hybrid', 'Hybride'),",
        '  },',
        '',
      ].join('\n'),
    ),
    after('  partnerType: PARTNER_TYPES,\n', '  modality: Modality.options,\n'),
  ),
  'services/projection/src/facts/facts-trainings.ts': all(
    after('  region?: string | undefined;\n', '  modality?: string | undefined;\n'),
    after('  ...(d.region ? { region: d.region } : {}),\n', '  ...(d.modality ? { modality: d.modality } : {}),\n'),
  ),
};

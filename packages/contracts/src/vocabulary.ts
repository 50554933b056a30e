import { z } from 'zod';
import { ISO_3166_ALPHA2 } from './iso3166.js';

/** The programme's 19 countries (ISO 3166-1 alpha-2), Morocco first: the default of the COUNTRIES setting. */
export const COUNTRIES = [
  'MA',
  'DZ',
  'AO',
  'EG',
  'LY',
  'SD',
  'TN',
  'DJ',
  'ET',
  'SO',
  'TZ',
  'MW',
  'MR',
  'ZM',
  'ZW',
  'GM',
  'SN',
  'SL',
  'TG',
] as const;
export { ISO_3166_ALPHA2 };

/**
 * Any ISO 3166-1 alpha-2 code. Events carry this: an event keeps the country it was recorded with, whatever the
 * deployment serves today, so a replay never refuses history.
 */
export const IsoCountry = z.enum(ISO_3166_ALPHA2);
export type Country = z.infer<typeof IsoCountry>;

// Deployment configuration, set once at start-up from COUNTRIES (platform config); adding a country is a setting.
let served: ReadonlySet<string> = new Set(COUNTRIES);

/** Sets the countries this deployment serves; commands and queries naming another are refused. */
export function setServedCountries(codes: readonly string[]): void {
  const bad = codes.filter((c) => !IsoCountry.safeParse(c).success);
  if (bad.length || codes.length === 0)
    throw new Error(`not ISO 3166-1 alpha-2 codes: ${bad.join(', ') || '(none given)'}`);
  served = new Set(codes);
}

/** The countries this deployment serves. */
export const servedCountries = (): string[] => [...served];

/** A country this deployment serves (HTTP inputs). */
export const Country = IsoCountry.refine((c) => served.has(c), {
  error: () => `not a country this deployment serves (${[...served].join(', ')})`,
});

export const SEXES = ['female', 'male', 'other'] as const;
export const Sex = z.enum(SEXES);
export type Sex = z.infer<typeof Sex>;

export const AGE_GROUPS = ['0-4', '5-11', '12-17', '18-59', '60+'] as const;
export const AgeGroup = z.enum(AGE_GROUPS);
export type AgeGroup = z.infer<typeof AgeGroup>;

export const PARTICIPANT_CATEGORIES = [
  'government_official',
  'police',
  'judiciary',
  'health_staff',
  'social_worker',
  'cso_staff',
  'student',
  'migrant',
  'other',
] as const;
export const ParticipantCategory = z.enum(PARTICIPANT_CATEGORIES);
export type ParticipantCategory = z.infer<typeof ParticipantCategory>;

/** Topics every deployment starts with; admins add others (see trainings' topic events). */
export const BUILT_IN_TOPICS = [
  'trafficking_in_persons',
  'unaccompanied_children',
  'sexual_exploitation_abuse',
  'international_migration_law',
  'migration_governance_data',
  'border_management',
] as const;
export const TopicCode = z.string().regex(/^[a-z][a-z0-9_]{2,63}$/, 'a topic code is lower_snake_case');

export const Localized = z.strictObject({
  fr: z.string().trim().min(1).max(300),
  en: z.string().trim().min(1).max(300),
});
export type Localized = z.infer<typeof Localized>;

/** Calendar date as YYYY-MM-DD, checked to be a real day. */
export const IsoDate = z.iso.date();

/** Activity line of the results framework, e.g. "1.1" or "2.3". */
export const ActivityLine = z.string().regex(/^\d{1,2}(\.\d{1,2}){1,2}$/, 'an activity line looks like 1.1');

export const Place = z.strictObject({
  country: IsoCountry,
  region: z.string().trim().min(1).max(120).optional(),
  city: z.string().trim().min(1).max(120).optional(),
});
export type Place = z.infer<typeof Place>;

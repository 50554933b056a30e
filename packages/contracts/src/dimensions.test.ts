import { describe, expect, it } from 'vitest';
import {
  ARRAY_FIELDS,
  CLOSED_DIMENSION_VALUES,
  DIMENSION_FIELD,
  DIMENSIONS,
  DISAGGREGATIONS,
  PARTICIPANT_BREAKDOWNS,
  PEOPLE_CLOSED_VALUES,
  RULE_DIMENSIONS,
  SEXES,
  VALUE_LABELS,
  summaryBreakdowns,
  type DimensionSpec,
} from './index.js';

// Everything below is derived from DIMENSIONS: these are the lists the rest of the platform relied on when each was
// written by hand, so a change to the table that shifts one of them shows here first.
describe('the dimensions table', () => {
  it('gives the rule dimensions, the disaggregations in their published order, and the participants breakdowns', () => {
    expect(RULE_DIMENSIONS).toEqual([
      'topic',
      'participant_category',
      'activity_line',
      'kind',
      'emergency',
      'vulnerability',
      'partner_type',
      'region',
      'sex',
      'age_group',
    ]);
    expect(DISAGGREGATIONS).toEqual([
      'sex',
      'age_group',
      'participant_category',
      'vulnerability',
      'region',
      'partner_type',
    ]);
    expect(PARTICIPANT_BREAKDOWNS).toEqual([
      'topic',
      'participant_category',
      'activity_line',
      'region',
      'sex',
      'age_group',
    ]);
  });

  it('gives the fact field of each, the list-valued fields, and the closed lists', () => {
    expect(DIMENSION_FIELD.kind).toBe('what');
    expect(Object.entries(DIMENSION_FIELD).filter(([d, f]) => d !== f)).toEqual([['kind', 'what']]);
    expect([...ARRAY_FIELDS]).toEqual(['topic', 'vulnerability']);
    expect(Object.keys(CLOSED_DIMENSION_VALUES)).toEqual([
      'participant_category',
      'vulnerability',
      'partner_type',
      'sex',
      'age_group',
    ]);
    expect(Object.keys(PEOPLE_CLOSED_VALUES).sort()).toEqual([
      'age_group',
      'participant_category',
      'sex',
      'vulnerability',
    ]);
    expect(PEOPLE_CLOSED_VALUES.sex).toBe(SEXES);
  });

  it('gives the summaries their breakdowns in the order they always had, extras in their place', () => {
    const of = (s: 'trainings' | 'assistance') =>
      summaryBreakdowns(s).map((b) => `${b.field}${b.activities ? '+' : ''}`);
    expect(of('trainings')).toEqual(['topic+', 'participant_category', 'sex', 'region+']);
    const partner = { field: 'partnerId', place: 2, activities: true };
    expect(summaryBreakdowns('assistance', [partner]).map((b) => `${b.field}${b.activities ? '+' : ''}`)).toEqual([
      'what+',
      'partnerId+',
      'vulnerability',
      'sex',
      'age_group',
    ]);
    expect(() => summaryBreakdowns('assistance', [{ ...partner, place: 3 }])).toThrow(
      /vulnerability and partnerId both at place 3/,
    );
  });

  it('labels every dimension in both languages, its values from a list that exists', () => {
    for (const [name, d] of Object.entries(DIMENSIONS) as Array<[string, DimensionSpec]>) {
      expect(d.label.en, name).toMatch(/^\S/);
      expect(d.label.fr, name).toMatch(/^\S/);
      if (d.values && d.values !== 'topic') expect(Object.keys(VALUE_LABELS), name).toContain(d.values);
      // A closed list's labels are that list: every closed value has a label.
      if (d.closed)
        expect(Object.keys(VALUE_LABELS[d.values as keyof typeof VALUE_LABELS]).sort(), name).toEqual(
          [...d.closed].sort(),
        );
    }
  });
});

import { describe, expect, it } from 'vitest';
import {
  alignmentProblem,
  periodBounds,
  RULE_SOURCES,
  ruleUnit,
  validateRule,
  IndicatorRule,
} from '@passerelle/contracts';

describe('validateRule: rules are checked against the catalogue in contracts', () => {
  it.each([
    [
      'people trained on a topic',
      {
        source: 'training_attendance',
        measure: 'sum_participants',
        filters: { topic: ['trafficking_in_persons'], sex: ['female'] },
      },
    ],
    [
      'trainings held on a line',
      { source: 'trainings_held', measure: 'count_trainings', filters: { activity_line: ['1.1'] } },
    ],
    [
      'unique people assisted in an emergency',
      {
        source: 'assistance_beneficiaries',
        measure: 'unique_people',
        filters: { emergency: ['covid_19'], vulnerability: ['unaccompanied_separated_child'] },
      },
    ],
    [
      '% improved',
      { source: 'knowledge_tests', measure: 'ratio', numerator: 'sum_improved', denominator: 'sum_tested' },
    ],
    [
      'partners by type',
      {
        source: 'partners_supported',
        measure: 'count_distinct_partners',
        filters: { partner_type: ['regional_council'] },
      },
    ],
    ['deliveries', { source: 'assistance_deliveries', measure: 'count_deliveries', filters: { kind: ['food'] } }],
    ['agreements', { source: 'agreements', measure: 'count_distinct_partners' }],
  ])('accepts %s', (_name, rule) => {
    expect(validateRule(rule)).toEqual([]);
  });

  it('refuses an unknown source and lists the valid ones', () => {
    const [p, ...rest] = validateRule({ source: 'facebook_likes', measure: 'sum_participants' });
    expect(rest).toEqual([]);
    expect(p!.path).toBe('source');
    for (const s of Object.keys(RULE_SOURCES)) expect(p!.message).toContain(s);
  });

  it('refuses an unknown measure, listing what the source allows', () => {
    expect(validateRule({ source: 'training_attendance', measure: 'average_age' })).toEqual([
      {
        path: 'measure',
        message: 'unknown measure average_age; training_attendance allows sum_participants, count_trainings, ratio',
      },
    ]);
  });

  it('refuses a measure the source does not allow', () => {
    expect(validateRule({ source: 'trainings_held', measure: 'sum_beneficiaries' })).toEqual([
      {
        path: 'measure',
        message:
          'trainings_held cannot measure sum_beneficiaries; it allows count_trainings, count_distinct_partners, ratio',
      },
    ]);
  });

  it('refuses an unknown dimension and a dimension the source does not have, both at once', () => {
    const problems = validateRule({
      source: 'training_attendance',
      measure: 'sum_participants',
      filters: { colour: ['red'], vulnerability: ['victim_of_trafficking'] },
    });
    expect(problems.map((p) => p.path)).toEqual(['filters.colour', 'filters.vulnerability']);
    expect(problems[0]!.message).toContain('valid dimensions: topic, participant_category, activity_line');
    expect(problems[1]!.message).toBe(
      'training_attendance cannot be filtered by vulnerability; it allows topic, participant_category, activity_line, region, sex, age_group',
    );
  });

  it('refuses filter values outside closed vocabularies', () => {
    const problems = validateRule({
      source: 'training_attendance',
      measure: 'sum_participants',
      filters: { sex: ['f'], participant_category: ['pilot'], activity_line: ['one'] },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'filters.sex.0',
      'filters.participant_category.0',
      'filters.activity_line.0',
    ]);
    expect(problems[0]!.message).toContain('valid: female, male, other');
  });

  it("knows the closed lists of the recording services: vulnerabilities, partner types, and each source's kinds", () => {
    expect(
      validateRule({
        source: 'assistance_beneficiaries',
        measure: 'sum_beneficiaries',
        filters: { vulnerability: ['orphan'] },
      })[0]!.message,
    ).toContain('valid: victim_of_trafficking');
    expect(
      validateRule({
        source: 'partners_supported',
        measure: 'count_distinct_partners',
        filters: { partner_type: ['ngo'] },
      })[0]!.message,
    ).toContain('regional_council');
    expect(
      validateRule({
        source: 'partners_supported',
        measure: 'count_distinct_partners',
        filters: { kind: ['networking'] },
      }),
    ).toEqual([]);
    expect(
      validateRule({
        source: 'assistance_deliveries',
        measure: 'count_deliveries',
        filters: { kind: ['networking'] },
      })[0]!.message,
    ).toContain('not a kind of assistance_deliveries; valid: food');
  });

  it('checks both sides of a ratio, and that they differ', () => {
    expect(
      validateRule({ source: 'knowledge_tests', measure: 'ratio', numerator: 'sum_improved' }).map((p) => p.path),
    ).toEqual(['denominator']);
    expect(
      validateRule({
        source: 'knowledge_tests',
        measure: 'ratio',
        numerator: 'unique_people',
        denominator: 'sum_tested',
      })[0]!.message,
    ).toBe('knowledge_tests cannot measure unique_people; it allows sum_tested, sum_improved, count_trainings');
    expect(
      validateRule({
        source: 'knowledge_tests',
        measure: 'ratio',
        numerator: 'sum_tested',
        denominator: 'sum_tested',
      })[0]!.path,
    ).toBe('denominator');
    expect(
      validateRule({ source: 'knowledge_tests', measure: 'sum_tested', numerator: 'sum_improved' })[0]!.message,
    ).toContain('belong to measure ratio only');
  });

  it('refuses malformed rules with their paths', () => {
    expect(validateRule({ source: 'training_attendance' })[0]!.path).toBe('measure');
    expect(
      validateRule({ source: 'training_attendance', measure: 'sum_participants', extra: 1 })[0]!.message,
    ).toContain('extra');
    expect(
      validateRule({ source: 'training_attendance', measure: 'sum_participants', filters: { sex: [] } })[0]!.path,
    ).toBe('filters.sex');
    expect(validateRule('sum everything')[0]!.path).toBe('(root)');
  });

  it('checks the rule fits the indicator: unit and disaggregations', () => {
    const rule = { source: 'training_attendance', measure: 'sum_participants' };
    expect(validateRule(rule, { unit: 'people', disaggregations: ['sex', 'participant_category'] })).toEqual([]);
    expect(validateRule(rule, { unit: 'trainings' })).toEqual([
      { path: 'measure', message: "the rule gives people but the indicator's unit is trainings" },
    ]);
    expect(validateRule(rule, { unit: 'people', disaggregations: ['vulnerability'] })[0]!.path).toBe('disaggregations');
    expect(
      ruleUnit(
        IndicatorRule.parse({
          source: 'knowledge_tests',
          measure: 'ratio',
          numerator: 'sum_improved',
          denominator: 'sum_tested',
        }),
      ),
    ).toBe('percent');
  });
});

describe('alignment catalogues', () => {
  it('knows SDG goals and the programme targets, GCM 1-23, SNIA OSPs for Morocco', () => {
    for (const code of ['10', '16', '17', '10.7', '16.2', '16.3', '16.a', '17.9', '17.17', '17.18'])
      expect(alignmentProblem({ framework: 'sdg', code })).toBeUndefined();
    for (let i = 1; i <= 23; i++) expect(alignmentProblem({ framework: 'gcm', code: String(i) })).toBeUndefined();
    for (const code of ['15', '16', '17', '26', '27'])
      expect(alignmentProblem({ framework: 'snia', code }, 'MA')).toBeUndefined();
  });

  it('refuses tags outside the catalogues, and SNIA outside Morocco', () => {
    expect(alignmentProblem({ framework: 'sdg', code: '18' })).toContain('not in the catalogue');
    expect(alignmentProblem({ framework: 'gcm', code: '24' })).toContain('valid codes: 1, 2, 3');
    expect(alignmentProblem({ framework: 'snia', code: '3' }, 'MA')).toContain('valid codes: 15, 16, 17, 26, 27');
    expect(alignmentProblem({ framework: 'snia', code: '15' }, 'TN')).toBe('snia applies to MA only, not TN');
  });
});

describe('periods', () => {
  it('programme years count 12 months from the programme start; quarters and years are calendar ones', () => {
    expect(periodBounds('PY1', '2019-10-01')).toEqual({ start: '2019-10-01', end: '2020-09-30' });
    expect(periodBounds('PY2', '2019-10-01')).toEqual({ start: '2020-10-01', end: '2021-09-30' });
    expect(periodBounds('2020', '2019-10-01')).toEqual({ start: '2020-01-01', end: '2020-12-31' });
    expect(periodBounds('2020-Q1', '2019-10-01')).toEqual({ start: '2020-01-01', end: '2020-03-31' });
    expect(periodBounds('2020-Q4', '2019-10-01')).toEqual({ start: '2020-10-01', end: '2020-12-31' });
  });
});

// Bodies the integration tests send: a small framework and indicators of each kind.

export const L = (en: string) => ({ en, fr: `${en} (fr)` });

export const nodes = [
  {
    code: 'OBJ',
    level: 'objective',
    title: L('Humane migration management'),
    alignments: [{ framework: 'sdg', code: '10.7' }],
  },
  {
    code: '1',
    level: 'outcome',
    parent: 'OBJ',
    title: L('Migration management'),
    alignments: [{ framework: 'snia', code: '26' }],
  },
  { code: '1.1', level: 'activity_line', parent: '1', title: L('Trainings') },
  { code: '1.3', level: 'activity_line', parent: '1', title: L("Children's centre") },
];

/** A framework body for a programme in Morocco (year 1 starts 2019-10-01). */
export const frameworkBody = (programme: string, extra: Record<string, unknown> = {}) => ({
  programme,
  country: 'MA',
  programmeStart: '2019-10-01',
  title: L('ARMP'),
  context: L('Why the programme exists.'),
  targetGroups: [L('Government actors'), L('Vulnerable migrants')],
  nodes,
  ...extra,
});

export const peopleTrained = {
  code: 'P',
  name: L('People trained'),
  definition: L('Participants in trainings of line 1.1'),
  unit: 'people',
  nodeCode: '1.1',
  disaggregations: ['sex', 'participant_category'],
  sensitive: false,
  computation: {
    method: 'rule',
    rule: { source: 'training_attendance', measure: 'sum_participants', filters: { activity_line: ['1.1'] } },
  },
  alignments: [{ framework: 'gcm', code: '10' }],
};

export const improvedShare = {
  code: 'PC',
  name: L('Participants whose knowledge increased'),
  definition: L('Improved over tested'),
  unit: 'percent',
  nodeCode: '1.1',
  computation: {
    method: 'rule',
    rule: { source: 'knowledge_tests', measure: 'ratio', numerator: 'sum_improved', denominator: 'sum_tested' },
  },
};

export const centreMilestone = {
  code: 'M',
  name: L('Centre refurbished'),
  definition: L('The centre is refurbished and equipped'),
  unit: 'milestone',
  nodeCode: '1.3',
  computation: { method: 'manual' },
};

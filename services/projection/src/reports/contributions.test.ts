import { describe, expect, it } from 'vitest';
import type { FrameworkNode } from '@passerelle/contracts';
import { byGoal, contributionsOf } from './contributions.js';

const t = (en: string) => ({ en, fr: en });
const nodes: FrameworkNode[] = [
  {
    code: '1',
    level: 'outcome',
    title: t('Migration management'),
    alignments: [
      { framework: 'sdg' as const, code: '10.7' },
      { framework: 'snia' as const, code: '15' },
    ],
  },
  {
    code: '1.1',
    level: 'activity_line',
    parent: '1',
    title: t('Trainings'),
    alignments: [{ framework: 'sdg' as const, code: '16.2' }],
  },
  {
    code: '2.3',
    level: 'activity_line',
    parent: '2',
    title: t('Associations'),
    alignments: [{ framework: 'gcm' as const, code: '23' }],
  },
];
const progress = [
  {
    code: '1.1.a',
    name: t('People trained'),
    unit: 'people',
    actual: 119,
    target: { value: 100, version: 1 },
    percentOfTarget: 119,
  },
] as any;

describe('contributions', () => {
  it("counts an indicator for its own tags and its node's, and lists the lines of work per code", () => {
    const c = contributionsOf(
      nodes,
      [{ code: '1.1.a', nodeCode: '1.1', alignments: [{ framework: 'sdg', code: '17.9' }] }],
      progress,
    );
    expect(c.sdg.map((x) => x.code)).toEqual(['10.7', '16.2', '17.9']);
    expect(c.sdg.find((x) => x.code === '16.2')).toMatchObject({
      parent: '16',
      indicators: [{ code: '1.1.a', actual: 119 }],
      activityLines: [{ code: '1.1' }],
    });
    expect(c.sdg.find((x) => x.code === '17.9')!.activityLines).toEqual([
      { code: '1.1', level: 'activity_line', title: t('Trainings') },
    ]);
    // The outcome's tag: no indicator of this framework sits on node 1, so nothing is credited to it.
    expect(c.sdg.find((x) => x.code === '10.7')).toMatchObject({ indicators: [], activityLines: [{ code: '1' }] });
    expect(c.snia[0]).toMatchObject({
      code: '15',
      parent: 'flows',
      label: { en: expect.any(String), fr: expect.any(String) },
    });
    expect(c.gcm[0]).toMatchObject({ code: '23', activityLines: [{ code: '2.3' }] });
  });
  it('groups SDG targets under their goals, with the union of their indicators', () => {
    const c = contributionsOf(
      nodes,
      [{ code: '1.1.a', nodeCode: '1.1', alignments: [{ framework: 'sdg', code: '17.9' }] }],
      progress,
    );
    const goals = byGoal(c.sdg);
    expect(goals.map((g) => g.code)).toEqual(['10', '16', '17']);
    expect(goals[2]).toMatchObject({
      label: { en: 'Partnerships for the goals' },
      targets: [{ code: '17.9' }],
      indicators: [{ code: '1.1.a' }],
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './compose-file.js';
import { MODALITY_DIMENSION, MODALITY_ON_EVENTS, WEBSITE, type Edit } from './extending-edits.js';
import { guideSteps, type GuideStep } from './guide.js';
import { copyCheckout, linkModules, runIn, tsc, vitest } from './repo-copy.js';

// docs/extending.md's recipes 1 (a field) and 3 (a dimension), applied to a copy of this checkout exactly as their
// tables say: the files that change must be the files listed, as many as the guide's "Measured" line says, plus as
// many schemas as it says export-schemas writes; then the copy builds, and a small script over its builds shows the
// field and the dimension reaching the projection. A change to the code or to the guide without the other fails here.
let copy: string;
const guide = readFileSync(join(root, 'docs', 'extending.md'), 'utf8');
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=check', '-c', 'user.email=check@example.org', ...args], {
    cwd: copy,
    encoding: 'utf8',
  });

/** Files of the copy changed since its last commit, then committed, so the next step counts its own. */
function changedFiles(): string[] {
  const files = git('status', '--porcelain', '-uall')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
  git('add', '-A');
  git('commit', '-qm', 'step', '--allow-empty');
  return files.sort();
}

/** Compiles a workspace of the copy (its build, tests left out) and fails with the compiler's output. */
function build(workspace: string) {
  const r = runIn(copy, 'node', [tsc, '-p', `${workspace}/tsconfig.build.json`]);
  expect(r.status, `${workspace}: ${r.out}`).toBe(0);
}

const workspaceOf = (file: string) => file.split('/').slice(0, 2).join('/');

/**
 * Applies one table of the guide: the edits must cover exactly its files; contracts are built and their schemas
 * exported, the files that changed counted, then every workspace touched is built.
 */
function applyStep(step: GuideStep, edits: Record<string, Edit>) {
  expect(Object.keys(edits).sort(), 'the fixture edits the files the guide lists').toEqual([...step.files].sort());
  expect(step.files.length, 'the guide counts the files its table lists').toBe(step.hand);
  expect(step.files.length - step.optional.length).toBe(step.handWithoutOptional ?? step.files.length);
  for (const [file, edit] of Object.entries(edits))
    writeFileSync(join(copy, file), edit(readFileSync(join(copy, file), 'utf8'), file));
  build('packages/contracts');
  const schemas = runIn(join(copy, 'packages', 'contracts'), 'node', ['dist/cli/export-schemas.js', 'schemas']);
  expect(schemas.status, schemas.out).toBe(0);
  const changed = changedFiles();
  const generated = changed.filter((f) => !step.files.includes(f));
  expect(changed.filter((f) => step.files.includes(f))).toEqual([...step.files].sort());
  expect(generated.filter((f) => !f.startsWith('packages/contracts/schemas/'))).toEqual([]);
  expect(generated, 'export-schemas writes as many files as the guide says').toHaveLength(step.generated);
  for (const w of new Set(step.files.map(workspaceOf))) if (w !== 'packages/contracts') build(w);
  return generated;
}

/** Runs an ES module script in the copy with `url(path)` naming its built files; it prints JSON, returned parsed. */
function script(body: string): Record<string, unknown> {
  const url = (p: string) => JSON.stringify(pathToFileURL(join(copy, p)).href);
  const code = body.replace(/url\('([^']+)'\)/g, (_, p: string) => url(p));
  const r = runIn(copy, 'node', ['--input-type=module', '-e', code]);
  expect(r.status, r.out).toBe(0);
  return JSON.parse(r.out.trim().split('\n')[0]!) as Record<string, unknown>;
}

/** Unit tests of the copy's contracts: the schemas equal the zod ones, the compat gate, the label catalogue. */
function contractTests(...files: string[]) {
  const r = runIn(join(copy, 'packages', 'contracts'), 'node', [vitest, 'run', ...files]);
  expect(r.status, r.out).toBe(0);
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'passerelle-extending-'));
  copyCheckout(copy);
  linkModules(copy);
  git('init', '-q');
  changedFiles();
}, 120_000);
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('docs/extending.md, applied to a copy of the repository', () => {
  it('recipe 1: a website on partner events touches the files the guide lists, and reaches the partner facts', () => {
    const [step, ...more] = guideSteps(guide, '1. Add a field to an event');
    expect(more).toEqual([]);
    const generated = applyStep(step!, WEBSITE);
    expect(generated).toContain('packages/contracts/schemas/partners.partner.registered.v1.json');
    // An optional field is additive: the compat gate lets it through at version 1.
    contractTests('src/compat.test.ts', 'src/schemas.test.ts', 'src/asyncapi.test.ts');
    const seen = script(`
      const { register, update } = await import(url('services/partners/dist/domain.js'));
      const { changesOf } = await import(url('services/projection/dist/facts/facts.js'));
      const { PartnerView } = await import(url('services/partners/dist/responses.js'));
      const { PartnersAnswer } = await import(url('services/projection/dist/responses/figures.js'));
      const id = '6f1d2c4e-8a3b-4c5d-9e7f-0a1b2c3d4e5f';
      const profile = { name: { fr: 'Fondation', en: 'Foundation' }, type: 'foundation', level: 'national', country: 'MA', tags: [] };
      const registered = register(id, { ...profile, website: 'https://example.org' }, { today: '2024-05-01' });
      const updated = update(id, registered.state, { acronym: 'FO', website: 'https://example.org/fr' }, { today: '2024-05-02' });
      const fact = (e) => changesOf(e)[0].facts[0].website;
      console.log(JSON.stringify({
        registered: registered.events[0].data.website,
        updated: [updated.events[0].data.website, updated.events[0].data.changed],
        facts: [fact(registered.events[0]), fact(updated.events[0])],
        documented: ['website' in PartnerView.shape, 'website' in PartnersAnswer.element.shape],
      }));
    `);
    expect(seen).toEqual({
      registered: 'https://example.org',
      updated: ['https://example.org/fr', ['acronym']],
      facts: ['https://example.org', 'https://example.org/fr'],
      documented: [true, true],
    });
  }, 240_000);

  it('recipe 3: modality, first on the events, then as a dimension, touches the files the guide lists and works end to end', () => {
    const [onEvents, dimension, ...more] = guideSteps(guide, '3. Add a report dimension');
    expect(more).toEqual([]);
    applyStep(onEvents!, MODALITY_ON_EVENTS);
    contractTests('src/compat.test.ts', 'src/schemas.test.ts');
    applyStep(dimension!, MODALITY_DIMENSION);
    contractTests('src/labels.test.ts');
    const seen = script(`
      const c = await import(url('packages/contracts/dist/index.js'));
      const { FigureQuery } = await import(url('services/projection/dist/query/queries.js'));
      const { TRAININGS_BREAKDOWNS } = await import(url('services/projection/dist/reports/summaries.js'));
      const { label, VALUE_SETS } = await import(url('services/projection/dist/reports/labels.js'));
      const { changesOf } = await import(url('services/projection/dist/facts/facts.js'));
      const { plan, markHeld } = await import(url('services/trainings/dist/domain.js'));
      const { recordAttendance } = await import(url('services/trainings/dist/attendance.js'));
      const id = '0c9e8f7a-6b5d-4c3e-8f1a-2b3c4d5e6f70';
      const planned = plan(id, {
        title: { fr: 'Gestion des frontières', en: 'Border management' }, topics: ['border_management'],
        startDate: '2024-03-04', endDate: '2024-03-05', place: { country: 'MA', region: 'Oriental', city: 'Oujda' },
        modality: 'online', organiser: 'IOM', partnerIds: [], activityLine: '1.1', plannedParticipants: 10,
      }, { today: '2024-03-01', topics: new Set(['border_management']) });
      const held = markHeld(id, planned.state, { today: '2024-03-05' });
      const attended = recordAttendance(id, held.state, [
        { sex: 'female', category: 'police', count: 4 },
        { sex: 'male', category: 'police', count: 3 },
      ]);
      const rule = (modality) =>
        c.validateRule({ source: 'training_attendance', measure: 'sum_participants', filters: { modality } });
      console.log(JSON.stringify({
        dimension: [c.RULE_DIMENSIONS.at(-1), c.PARTICIPANT_BREAKDOWNS.at(-1)],
        rules: [rule(['online']).length, rule(['webinar']).map((p) => p.message)],
        figures: [FigureQuery.safeParse({ source: 'training_attendance', by: 'modality' }).success,
          FigureQuery.safeParse({ source: 'training_attendance', modality: 'online' }).success],
        summary: TRAININGS_BREAKDOWNS.map((b) => b.field),
        labels: [label('dimension', 'modality', 'fr'), label(VALUE_SETS.modality, 'in_person', 'fr')],
        facts: [...planned.events, ...held.events, ...attended.events]
          .flatMap((e) => changesOf(e).flatMap((ch) => ch.facts))
          .map((f) => [f.kind, f.value, f.modality ?? null]),
      }));
    `);
    expect(seen).toEqual({
      dimension: ['modality', 'modality'],
      rules: [0, ['webinar is not a modality; valid: in_person, online, hybrid']],
      figures: [true, true],
      summary: ['topic', 'participant_category', 'sex', 'region', 'modality'],
      labels: ['Modalité', 'En présentiel'],
      facts: [
        ['trainings_held', 1, 'online'],
        ['training_attendance', 4, 'online'],
        ['training_attendance', 3, 'online'],
      ],
    });
  }, 300_000);
});

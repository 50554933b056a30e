import type { FactsView } from '../../query/figures.js';
import type { Localized } from '@passerelle/contracts';
import type { Principal } from '@passerelle/platform';
import { partners } from '../../query/reference.js';
import { contributions } from '../contributions.js';
import { figures, formatDate, protectionSentence, type Figure } from './factsheet-format.js';
import { label, t, type LabelSet } from '../labels.js';
import { resultsByLine } from '../results.js';
import { publishedFramework, resolveScope, type Protection, type PublishedFramework } from '../scope.js';
import { Counting } from '../counting.js';
import { assistanceSummary, trainingsSummary, type Summary } from '../summaries.js';
import type { Lang } from '../tables.js';

interface Row {
  code: string | null;
  label: string;
  figure: Figure;
}
interface Activity {
  code: string;
  title: string;
  trainings: Figure;
  participants: Figure;
  deliveries: Figure;
  people: Figure[];
}
interface Aligned {
  code: string;
  label: string;
  lines: string[];
}

/** The content of a factsheet: every text in one language, every figure raw and formatted. */
export interface Factsheet {
  lang: Lang;
  frameworkId: string;
  frameworkVersion: number;
  targetVersions: Array<{ indicator: string; period: string; version: number }>;
  programme: string;
  country: { code: string; name: string };
  period: { key: string; label: string; from: string | null; to: string | null; dates: string | null };
  asOf: string | null;
  context: string | null;
  objective: string | null;
  targetGroups: string[];
  lines: Array<{ code: string; title: string; activities: Activity[] }>;
  keyFigures: {
    trainings: Figure;
    participants: Figure;
    byTopic: Array<Row & { trainings: Figure }>;
    byCategory: Row[];
    bySex: Row[];
    assisted: {
      people: Figure;
      keyedPeople: Figure;
      countedPeople: Figure;
      counting: string;
      deliveries: Figure;
      byPartner: Row[];
      byKind: Row[];
      byVulnerability: Row[];
    };
  };
  indicators: Array<{
    code: string;
    name: string;
    unit: string;
    baseline: Figure | null;
    target: Figure | null;
    actual: Figure | null;
    percentOfTarget: Figure | null;
    noData: string | null;
  }>;
  partners: Array<{ name: string; acronym: string | null; type: string }>;
  contributions: {
    sdg: { label: string; goals: Array<Aligned & { targets: Aligned[] }> };
    gcm: { label: string; objectives: Aligned[] };
    snia: { label: string; objectives: Array<Aligned & { group: string | null }> };
  };
  notes: string[];
  protection: { internal: boolean; threshold: number; hidden: number; note: string };
  generatedAt: string;
}

const cellsOf = (s: Summary, by: string, measure: string) =>
  s.breakdowns.find((b) => b.by === by && b.measure === measure)?.cells ?? [];
const numeric = (v: number | string | null) => (typeof v === 'number' ? v : -1);

function periodLabel(key: string, from: string | undefined, to: string | undefined, lang: Lang) {
  const py = /^PY(\d+)$/.exec(key);
  const name = py ? `${t('year', lang)} ${py[1]}` : key === 'all' ? t('wholeProgramme', lang) : key;
  return {
    key,
    label: name,
    from: from ?? null,
    to: to ?? null,
    dates: from && to ? `${formatDate(from, lang)} – ${formatDate(to, lang)}` : null,
  };
}

/**
 * The factsheet of a framework (a programme in a country) for a period, in one language: the staff's context,
 * objective, target groups, lines of work with their activities and figures, key figures, indicators,
 * partners and contributions. Built from the existing reports, so its figures are theirs; small cells of
 * sensitive groups stay hidden outside the internal scope and the sentence in `protection` says how many.
 */
export async function factsheet(
  facts: FactsView,
  frameworkId: string,
  period: string,
  lang: Lang,
  principal: Principal,
  protection: Protection,
  opts: { asOf?: string | undefined; now?: Date } = {},
): Promise<Factsheet> {
  const fw = (await publishedFramework(facts, frameworkId, principal)) as PublishedFramework & {
    context?: Localized;
    targetGroups?: Localized[];
  };
  const scope = await resolveScope(facts, { period, framework: frameworkId }, principal);
  const country = frameworkId.split('-').pop()!;
  const [trainings, assistance, results, contrib] = [
    await trainingsSummary(facts, scope, protection),
    await assistanceSummary(facts, scope, protection),
    await resultsByLine(facts, frameworkId, period, principal, protection),
    await contributions(facts, frameworkId, period, principal, protection),
  ];
  const partnerFacts = await partners(facts, country, { activeOnly: true });
  const f = figures(lang);
  const loc = (x: Localized | null | undefined) => (x ? x[lang] : '');
  // Largest first; a partner unknown to the read model shows its id rather than nothing.
  const rows = (cells: ReturnType<typeof cellsOf>, set: LabelSet | 'partner') =>
    [...cells]
      .sort((a, b) => numeric(b.value) - numeric(a.value))
      .map((c) => ({
        code: c.key,
        label: set === 'partner' ? (c.name ? c.name[lang] : String(c.key)) : label(set, c.key, lang),
        figure: f.of(c.value),
      }));

  const topicTrainings = cellsOf(trainings, 'topic', 'trainings');
  const byTopic = rows(cellsOf(trainings, 'topic', 'participants'), 'topic').map((r) => ({
    ...r,
    trainings: f.of(topicTrainings.find((c) => c.key === r.code)?.value ?? 0),
  }));
  const people = assistance.totals.people!;
  const keyed = f.of(people.keyedPeople ?? 0);
  const counted = f.of(people.countedPeople ?? 0);
  const assisted = {
    people: f.of(people.value),
    keyedPeople: keyed,
    countedPeople: counted,
    counting:
      people.counting === Counting.Unique
        ? lang === 'fr'
          ? 'personnes uniques des listes de bénéficiaires, comptées une fois'
          : 'unique people of beneficiary lists, each counted once'
        : lang === 'fr'
          ? 'personnes des listes comptées une fois, plus des personnes comptées sans liste : le total peut compter une personne deux fois'
          : 'people of lists counted once, plus people counted without a list: the total may count a person twice',
    deliveries: f.of(assistance.totals.deliveries!.value),
    byPartner: rows(cellsOf(assistance, 'partnerId', 'people'), 'partner'),
    byKind: rows(cellsOf(assistance, 'what', 'people'), 'assistanceKind'),
    byVulnerability: rows(
      cellsOf(assistance, 'vulnerability', 'people').filter((c) => c.key !== 'none' && c.key !== null),
      'vulnerability',
    ),
  };

  const node = (code: string) => results.lines.find((l) => l.code === code)!;
  const activity = (code: string): Activity => {
    const n = node(code);
    const hiddenParticipants = n.trainings.find((x) => typeof x.participants !== 'number');
    const participants = hiddenParticipants
      ? hiddenParticipants.participants
      : n.trainings.reduce((s, x) => s + (x.participants as number), 0);
    const visible = n.deliveries.reduce((s, d) => s + (typeof d.people === 'number' ? d.people : 0), 0);
    const hiddenPeople = n.deliveries.filter((d) => typeof d.people !== 'number').map((d) => f.of(d.people));
    return {
      code,
      title: loc(n.title),
      trainings: f.of(n.trainings.length),
      participants: f.of(participants),
      deliveries: f.of(n.deliveries.length),
      people: [...(visible || !hiddenPeople.length ? [f.of(visible)] : []), ...hiddenPeople],
    };
  };
  const objective = fw.nodes.find((n) => n.level === 'objective');
  const lines = fw.nodes
    .filter((n) => n.parent !== undefined && n.parent === objective?.code)
    .map((n) => ({
      code: n.code,
      title: loc(n.title),
      activities: fw.nodes.filter((a) => a.parent === n.code).map((a) => activity(a.code)),
    }));

  const progress = results.lines.flatMap((l) => l.indicators);
  const indicators = progress.map((i) => {
    const pct = { percent: i.unit === 'percent' };
    return {
      code: i.code,
      name: loc(i.name as Localized),
      unit: label('unit', i.unit, lang),
      baseline: i.baseline ? f.of(i.baseline.value as number, pct) : null,
      target: i.target ? f.of(i.target.value as number, pct) : null,
      actual: i.actual === null ? null : f.of(i.actual, pct),
      percentOfTarget: i.percentOfTarget === null ? null : f.of(i.percentOfTarget, { percent: true }),
      noData: i.noData,
    };
  });
  // People read the lines of work by their titles: a node code ("OBJ", "1.4") means nothing outside the framework file.
  const aligned = (c: {
    code: string;
    label: Localized | null;
    activityLines: Array<{ code: string; title: Localized }>;
  }) => ({ code: c.code, label: loc(c.label), lines: c.activityLines.map((l) => loc(l.title)) });
  const sniaGroups = contrib.snia.groups as Record<string, Localized>;
  const p = { ...protection, hidden: f.hidden() };

  return {
    lang,
    frameworkId,
    frameworkVersion: results.frameworkVersion,
    targetVersions: progress
      .filter((i) => i.target)
      .map((i) => ({ indicator: i.code, period, version: i.target!.version as number })),
    programme: loc(fw.title),
    country: { code: country, name: label('country', country, lang) },
    period: periodLabel(period, scope.period.from, scope.period.to, lang),
    asOf: opts.asOf ?? null,
    context: fw.context ? fw.context[lang] : null,
    objective: objective ? loc(objective.title) : null,
    targetGroups: (fw.targetGroups ?? []).map((g) => g[lang]),
    lines,
    keyFigures: {
      trainings: f.of(trainings.totals.trainings!.value),
      participants: f.of(trainings.totals.participants!.value),
      byTopic,
      byCategory: rows(cellsOf(trainings, 'participant_category', 'participants'), 'participantCategory'),
      bySex: rows(cellsOf(trainings, 'sex', 'participants'), 'sex'),
      assisted,
    },
    indicators,
    partners: partnerFacts
      .map((x) => ({ name: loc(x.name), acronym: x.acronym, type: label('partnerType', x.type, lang) }))
      .sort((a, b) => a.name.localeCompare(b.name, lang)),
    contributions: {
      sdg: {
        label: loc(contrib.sdg.label),
        goals: contrib.sdg.goals.map((g) => ({ ...aligned(g), targets: g.targets.map(aligned) })),
      },
      gcm: { label: loc(contrib.gcm.label), objectives: contrib.gcm.objectives.map(aligned) },
      snia: {
        label: loc(contrib.snia.label),
        objectives: contrib.snia.objectives.map((o) => ({
          ...aligned(o),
          group: o.parent ? loc(sniaGroups[o.parent]) : null,
        })),
      },
    },
    notes:
      lang === 'fr'
        ? [
            'Participants : somme des présences ; une personne ayant suivi deux formations compte deux fois.',
            "Une formation sur plusieurs thèmes compte sous chacun d'eux.",
            `Personnes assistées : ${assisted.people.text}, dont ${keyed.text} personnes distinctes des listes de bénéficiaires et ${counted.text} personnes comptées sans liste (${assisted.counting}).`,
          ]
        : [
            'Participants: the sum of attendance; a person who attended two trainings counts twice.',
            'A training on several topics counts under each of them.',
            `People assisted: ${assisted.people.text}, of whom ${keyed.text} distinct people of beneficiary lists and ${counted.text} people counted without a list (${assisted.counting}).`,
          ],
    protection: { ...p, note: protectionSentence(protection, p.hidden, lang) },
    generatedAt: (opts.now ?? new Date()).toISOString(),
  };
}

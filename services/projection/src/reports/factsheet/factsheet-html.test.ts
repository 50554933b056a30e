import { describe, expect, it } from 'vitest';
import { figures, formatDate, formatNumber, protectionSentence } from './factsheet-format.js';
import { escapeHtml, factsheetHtml } from './factsheet-html.js';
import type { Factsheet } from './factsheet.js';
import type { Lang } from '../tables.js';

/** A factsheet as the builder would give it, with a partner name typed to break the page and one hidden cell. */
function sample(lang: Lang, internal = false): Factsheet {
  const f = figures(lang);
  const protection = { internal, threshold: 5 };
  const children = f.of(internal ? 2 : '<5');
  const s: Factsheet = {
    lang,
    frameworkId: 'ARMP-MA',
    frameworkVersion: 3,
    targetVersions: [{ indicator: '1.1.a', period: 'PY1', version: 2 }],
    programme: 'Programme <b>régional</b> & "Maroc"',
    country: { code: 'MA', name: lang === 'fr' ? 'Maroc' : 'Morocco' },
    period: {
      key: 'PY1',
      label: 'Year 1',
      from: '2019-10-01',
      to: '2020-09-30',
      dates: `${formatDate('2019-10-01', lang)} – ${formatDate('2020-09-30', lang)}`,
    },
    asOf: null,
    context: 'Context with <script>alert("x")</script> inside',
    objective: 'Humane migration',
    targetGroups: ['Vulnerable migrants'],
    lines: [
      {
        code: '1',
        title: 'Migration management',
        activities: [
          {
            code: '1.1',
            title: 'Trainings',
            trainings: f.of(4),
            participants: f.of(1234),
            deliveries: f.of(0),
            people: [f.of(0)],
          },
        ],
      },
    ],
    keyFigures: {
      trainings: f.of(4),
      participants: f.of(1234),
      byTopic: [{ code: 'x', label: 'Law', figure: f.of(1234), trainings: f.of(4) }],
      byCategory: [{ code: 'student', label: 'Students', figure: f.of(1234) }],
      bySex: [
        { code: 'female', label: 'Women', figure: f.of(700) },
        { code: 'male', label: 'Men', figure: f.of(534) },
      ],
      assisted: {
        people: f.of(12_500),
        keyedPeople: f.of(12_000),
        countedPeople: f.of(500),
        counting: 'unique',
        deliveries: f.of(1),
        byPartner: [{ code: 'p', label: 'Fondation <Orient> Occident', figure: f.of(12_500) }],
        byKind: [],
        byVulnerability: [{ code: 'unaccompanied_separated_child', label: 'Children', figure: children }],
      },
    },
    indicators: [
      {
        code: '1.1.a',
        name: 'People trained',
        unit: 'people',
        baseline: f.of(0),
        target: f.of(1000),
        actual: f.of(1234),
        percentOfTarget: f.of(123.4, { percent: true }),
        noData: null,
      },
      {
        code: '1.3.a',
        name: 'Centre open',
        unit: 'milestone',
        baseline: null,
        target: f.of(1),
        actual: null,
        percentOfTarget: null,
        noData: 'no data: no value has been reported for this period',
      },
    ],
    partners: [],
    contributions: {
      sdg: {
        label: 'SDG',
        goals: [
          {
            code: '10',
            label: 'Fewer inequalities',
            lines: [],
            targets: [{ code: '10.7', label: 'Migration', lines: ['Protection of vulnerable migrants'] }],
          },
        ],
      },
      gcm: { label: 'GCM', objectives: [] },
      snia: { label: 'SNIA', objectives: [] },
    },
    notes: ['a note'],
    protection: { internal, threshold: 5, hidden: 0, note: '' },
    generatedAt: '2021-01-15T10:00:00.000Z',
  };
  s.protection = { ...protection, hidden: f.hidden(), note: protectionSentence(protection, f.hidden(), lang) };
  return s;
}

describe('the factsheet page', () => {
  it('escapes every text typed by people, so a name cannot become markup', () => {
    const html = factsheetHtml(sample('en'));
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('Programme &lt;b&gt;régional&lt;/b&gt; &amp; &quot;Maroc&quot;');
    expect(html).toContain('Fondation &lt;Orient&gt; Occident');
  });

  it('formats numbers, percentages and dates per locale', () => {
    const fr = factsheetHtml(sample('fr'));
    const en = factsheetHtml(sample('en'));
    expect(formatNumber(1234, 'fr')).toBe('1\u202f234');
    expect(fr).toContain('12\u202f500');
    expect(fr).toContain('123,4\u00a0%');
    // French writes the first of a month as an ordinal.
    expect(fr).toContain('1er octobre 2019 – 30 septembre 2020');
    expect(fr).toContain('15 janvier 2021');
    expect(en).toContain('12,500');
    expect(en).toContain('123.4%');
    expect(en).toContain('1 October 2019 – 30 September 2020');
    expect(fr).toMatch(/<html lang="fr">/);
    expect(en).toMatch(/<html lang="en">/);
  });

  it('shows a small sensitive cell as "<5" and says that figures were hidden; internal shows the number and says so', () => {
    const pub = factsheetHtml(sample('en'));
    expect(pub).toContain('class="val hidden">&lt;5</text>');
    expect(pub).toContain('To protect people, 1 figure(s) about small sensitive groups');
    const fr = factsheetHtml(sample('fr'));
    expect(fr).toContain('Pour protéger les personnes, 1 chiffre(s)');
    const internal = factsheetHtml(sample('en', true));
    expect(internal).not.toContain('&lt;5</');
    expect(internal).toContain('Internal version: no figure is hidden');
  });

  it('draws progress against targets, participants by sex and people by vulnerability, never a bar for a hidden figure', () => {
    const html = factsheetHtml(sample('en'));
    // 123.4 % of target: a full, "done" bar beside the number.
    expect(html).toMatch(
      /<svg class="progress"[^>]*><rect[^>]*class="track"\/><rect x="0" y="0" width="100\.0" height="8" rx="2" class="done"\/><\/svg> 123\.4%/,
    );
    expect(html).toContain('<figcaption>Participants by sex</figcaption>');
    const sex = html.slice(html.indexOf('Participants by sex'));
    expect(sex).toMatch(/>Women<\/text><rect x="120" y="\d+" width="140\.0"/);
    // The children's figure is hidden: its text, and no bar.
    const vulnerable = html.slice(html.indexOf('<figcaption>Among them</figcaption>'));
    expect(vulnerable.slice(0, vulnerable.indexOf('</figure>'))).toMatch(
      />Children<\/text><text x="124\.0" y="\d+" class="val hidden">&lt;5<\/text>/,
    );
    // Contributions name the lines of work, not their codes.
    expect(html).toContain('<span class="lines-note">Through: Protection of vulnerable migrants</span>');
  });

  it('shows an indicator without data as an em dash, not as 0', () => {
    const html = factsheetHtml(sample('en'));
    const row = html.split('<tr>').find((r) => r.includes('Centre open'))!;
    expect(row).toContain('<td class="num">—</td><td class="num"> —</td></tr>');
  });

  it('is one self-contained document with a print stylesheet for A4', () => {
    const html = factsheetHtml(sample('fr'));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/@page \{ size: A4; margin: [^}]+\}/);
    expect(html).toMatch(/@media print \{[\s\S]*break-inside: avoid/);
    // Nothing fetched: no scripts, stylesheets, images or fonts from anywhere.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|https?:\/\//i);
  });
});

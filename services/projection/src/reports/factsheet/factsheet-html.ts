import { barChart, progressBar } from './factsheet-charts.js';
import { FACTSHEET_CSS } from './factsheet-css.js';
import type { Figure } from './factsheet-format.js';
import { formatInstant } from './factsheet-format.js';
import { counted, t } from '../labels.js';
import type { Factsheet } from './factsheet.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and attribute values (framework texts and partner names are typed by people). */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

const e = escapeHtml;
/** A figure; hidden ones are marked so they read as such on screen and on paper. */
// An em dash is "no data": a figure that does not exist yet, never a 0.
const fig = (f: Figure | null) =>
  f === null ? '—' : typeof f.value === 'number' ? e(f.text) : `<span class="hidden-fig">${e(f.text)}</span>`;
const list = <T>(items: T[], item: (x: T) => string) => items.map(item).join('');

function header(s: Factsheet) {
  const L = s.lang;
  return `<header class="masthead">
  <p class="kicker">${e(t('factsheet', L))} · ${e(s.country.name)}</p>
  <h1>${e(s.programme)}</h1>
  <p class="period"><b>${e(s.period.label)}</b>${s.period.dates ? ` · ${e(s.period.dates)}` : ''}</p>
</header>`;
}

function intro(s: Factsheet) {
  const L = s.lang;
  return `<section class="grid-2 intro">
  <div>
    ${s.context ? `<h2>${e(t('context', L))}</h2><p>${e(s.context)}</p>` : ''}
    ${s.objective ? `<h2>${e(t('objective', L))}</h2><p class="objective">${e(s.objective)}</p>` : ''}
  </div>
  <aside class="box"><h2>${e(t('targetGroups', L))}</h2><ul class="plain">${list(s.targetGroups, (g) => `<li>${e(g)}</li>`)}</ul></aside>
</section>`;
}

const rowsTable = (caption: string, head: string[], rows: string[][], empty: string) =>
  !rows.length
    ? `<div><p class="caption">${e(caption)}</p><p class="muted">${e(empty)}</p></div>`
    : `<table>
  <caption>${e(caption)}</caption>
  ${head.length ? `<thead><tr>${head.map((h, i) => `<th${i ? ' class="num"' : ''}>${e(h)}</th>`).join('')}</tr></thead>` : ''}
  <tbody>${list(rows, (r) => `<tr>${r.map((c, i) => `<td${i ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`)}</tbody>
</table>`;

function keyFigures(s: Factsheet) {
  const L = s.lang;
  const k = s.keyFigures;
  const a = k.assisted;
  const partners = a.byPartner.map((p) => e(p.label)).join(', ');
  const tile = (n: Figure, caption: string, sub = '') =>
    `<div class="tile"><span class="n">${fig(n)}</span><span class="c">${e(caption)}</span>${sub ? `<span class="s">${sub}</span>` : ''}</div>`;
  const sub = partners ? `${e(t('partner', L))} ${partners}` : '';
  return `<section class="figures">
  <h2>${e(t('results', L))}</h2>
  <div class="tiles">
    ${tile(k.trainings, counted('trainings', k.trainings.value, L))}
    ${tile(k.participants, counted('participants', k.participants.value, L))}
    ${tile(a.people, counted('assisted', a.people.value, L), sub)}
  </div>
  <div class="grid-even">
    ${rowsTable(
      t('byTopic', L),
      [t('topic', L), t('trainings', L), t('participants', L)],
      k.byTopic.map((r) => [e(r.label), fig(r.trainings), fig(r.figure)]),
      t('none', L),
    )}
    <div>
      ${rowsTable(
        t('byCategory', L),
        [t('category', L), t('participants', L)],
        k.byCategory.map((r) => [e(r.label), fig(r.figure)]),
        t('none', L),
      )}
      ${barChart(k.bySex, t('bySex', L))}
    </div>
  </div>
  <div class="assist">
    <h3>${e(t('assistance', L))}</h3>
    <p class="lead"><b>${fig(a.people)}</b> ${e(counted('assisted', a.people.value, L))}${partners ? ` · ${e(t('partner', L))} <b>${partners}</b>` : ''} <span class="muted">(${fig(a.deliveries)} ${e(counted('deliveries', a.deliveries.value, L))}; ${e(a.counting)})</span></p>
    <div class="grid-even">
      ${rowsTable(
        t('kind', L),
        [],
        a.byKind.map((r) => [e(r.label), fig(r.figure)]),
        t('none', L),
      )}
      ${a.byVulnerability.length ? barChart(a.byVulnerability, t('vulnerability', L)) : '<div></div>'}
    </div>
  </div>
</section>`;
}

function lines(s: Factsheet) {
  const L = s.lang;
  const chips = (a: Factsheet['lines'][number]['activities'][number]) => {
    const out: string[] = [];
    if (a.trainings.value)
      out.push(
        `<b>${fig(a.trainings)}</b> ${e(counted('trainings', a.trainings.value, L))} · <b>${fig(a.participants)}</b> ${e(counted('participants', a.participants.value, L))}`,
      );
    if (a.deliveries.value)
      out.push(
        `<b>${a.people.map(fig).join(' + ')}</b> ${e(counted('assisted', a.people.length === 1 ? a.people[0]!.value : null, L))}`,
      );
    return out.join('<br>');
  };
  return `<section class="lines">
  <h2>${e(t('lines', L))}</h2>
  ${list(
    s.lines,
    (l) => `<h3><span class="code">${e(l.code)}</span> ${e(l.title)}</h3>
  <ol class="activities">${list(l.activities, (a) => `<li><span class="code">${e(a.code)}</span><span>${e(a.title)}</span><span class="chips">${chips(a)}</span></li>`)}</ol>`,
  )}
</section>`;
}

function indicators(s: Factsheet) {
  const L = s.lang;
  if (!s.indicators.length) return '';
  return `<section class="indicators">
  <h2>${e(t('indicators', L))}</h2>
  <table>
    <thead><tr><th>${e(t('indicator', L))}</th><th class="num">${e(t('baseline', L))}</th><th class="num">${e(t('target', L))}</th><th class="num">${e(t('actual', L))}</th><th class="num">${e(t('percent', L))}</th></tr></thead>
    <tbody>${list(s.indicators, (i) => `<tr><td><span class="code">${e(i.code)}</span> ${e(i.name)} <span class="muted">(${e(i.unit)})</span></td><td class="num">${fig(i.baseline)}</td><td class="num">${fig(i.target)}</td><td class="num">${fig(i.actual)}</td><td class="num">${progressBar(i.percentOfTarget)} ${fig(i.percentOfTarget)}</td></tr>`)}</tbody>
  </table>
</section>`;
}

function contributions(s: Factsheet) {
  const L = s.lang;
  const c = s.contributions;
  const lines = (titles: string[]) =>
    titles.length ? `<span class="lines-note">${e(t('through', L))} ${e(titles.join(' · '))}</span>` : '';
  const item = (prefix: string, a: { code: string; label: string; lines: string[] }, inner = '', cls = '') =>
    `<li><span class="badge${cls}">${prefix ? `${e(prefix)} ` : ''}${e(a.code)}</span>${e(a.label)}${lines(a.lines)}${inner}</li>`;
  const column = (title: string, body: string) => `<div><h3>${e(title)}</h3><ul>${body}</ul></div>`;
  return `<section class="contrib">
  <h2>${e(t('contributions', L))}</h2>
  <div class="grid-3">
    ${column(
      c.sdg.label,
      list(c.sdg.goals, (g) =>
        item(
          t('sdg', L),
          { ...g, lines: [] },
          g.targets.length ? `<ul class="targets">${list(g.targets, (x) => item('', x, '', ' sub'))}</ul>` : '',
        ),
      ),
    )}
    ${column(
      c.gcm.label,
      list(c.gcm.objectives, (o) => item(t('gcm', L), o)),
    )}
    ${column(
      c.snia.label,
      list(c.snia.objectives, (o) => item(t('snia', L), o)),
    )}
  </div>
</section>`;
}

function partners(s: Factsheet) {
  if (!s.partners.length) return '';
  return `<section class="partners">
  <h2>${e(t('partners', s.lang))}</h2>
  <ul>${list(s.partners, (p) => `<li>${e(p.name)}${p.acronym ? ` (${e(p.acronym)})` : ''} <span class="type">· ${e(p.type)}</span></li>`)}</ul>
</section>`;
}

function footer(s: Factsheet) {
  const L = s.lang;
  const stamp = [
    `${t('version', L)} ${s.frameworkVersion}`,
    ...(s.asOf ? [`${t('asOf', L)} ${formatInstant(s.asOf, L)}`] : []),
    `${t('generated', L)} ${formatInstant(s.generatedAt, L)}`,
  ];
  return `<footer>
  <p class="protection">${e(s.protection.note)}</p>
  <h3>${e(t('sources', L))}</h3>
  <ul>${list(s.notes, (n) => `<li>${e(n)}</li>`)}</ul>
  <p>${e(s.frameworkId)} · ${e(stamp.join(' · '))}</p>
</footer>`;
}

/** The factsheet as one self-contained HTML document (inline CSS, print stylesheet for A4, nothing fetched). */
export function factsheetHtml(s: Factsheet): string {
  return `<!DOCTYPE html>
<html lang="${e(s.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`${t('factsheet', s.lang)} · ${s.programme} · ${s.period.label}`)}</title>
<style>${FACTSHEET_CSS}</style>
</head>
<body>
<article class="sheet">
${header(s)}
<main>
${intro(s)}
${keyFigures(s)}
${lines(s)}
${indicators(s)}
${contributions(s)}
${partners(s)}
</main>
${footer(s)}
</article>
</body>
</html>
`;
}

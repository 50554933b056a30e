import type { Figure } from './factsheet-format.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const e = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/**
 * Small inline SVG charts of the factsheet: nothing fetched, printable, and drawn only from shown figures. A hidden
 * figure ("<5", or withheld) gets no bar, only its text: a bar's length would give the hidden value back.
 */

/** Horizontal bars, one per row, longest first as given, each with its label and its shown figure. */
export function barChart(rows: Array<{ label: string; figure: Figure }>, title: string): string {
  if (!rows.length) return '';
  const shown = rows.map((r) => (typeof r.figure.value === 'number' ? r.figure.value : 0));
  const max = Math.max(1, ...shown);
  const rowH = 15;
  const height = rows.length * rowH + 4;
  const bars = rows
    .map((r, i) => {
      const y = i * rowH + 2;
      const v = r.figure.value;
      const bar =
        typeof v === 'number'
          ? `<rect x="120" y="${y + 2}" width="${Math.max(v > 0 ? 1 : 0, (v / max) * 140).toFixed(1)}" height="9" rx="1.5" class="bar"/>`
          : '';
      const at = typeof v === 'number' ? 124 + (v / max) * 140 : 124;
      return `<text x="0" y="${y + 10}" class="lbl">${e(r.label.length > 26 ? `${r.label.slice(0, 25)}…` : r.label)}</text>${bar}<text x="${at.toFixed(1)}" y="${y + 10}" class="${typeof v === 'number' ? 'val' : 'val hidden'}">${e(r.figure.text)}</text>`;
    })
    .join('');
  return `<figure class="chart"><figcaption>${e(title)}</figcaption><svg viewBox="0 0 300 ${height}" width="100%" role="img" aria-label="${e(title)}">${bars}</svg></figure>`;
}

/** A progress bar against a target (% of target, 0..100+); nothing for a hidden or missing percentage. */
export function progressBar(percent: Figure | null): string {
  if (!percent || typeof percent.value !== 'number') return '';
  const done = Math.min(100, Math.max(0, percent.value));
  return `<svg class="progress" viewBox="0 0 100 8" width="22mm" height="2.6mm" role="img" aria-label="${e(percent.text)}"><rect x="0" y="0" width="100" height="8" rx="2" class="track"/><rect x="0" y="0" width="${done.toFixed(1)}" height="8" rx="2" class="${percent.value >= 100 ? 'done' : 'bar'}"/></svg>`;
}

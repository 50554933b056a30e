// The factsheet's only stylesheet, inlined in the page: no font, script or image is fetched, so the page renders
// offline and "print to PDF" gives the same A4 document anywhere. System fonts only.
export const FACTSHEET_CSS = `
:root { --ink: #1d2733; --muted: #5a6775; --brand: #0b3f8c; --accent: #2f7bd9; --soft: #eef3fa; --line: #d5dde7; --warn: #8a5a00; --warn-bg: #fff6e0; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #e6eaf0; color: var(--ink); font: 10pt/1.45 "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
.sheet { width: 210mm; min-height: 297mm; margin: 12mm auto; background: #fff; box-shadow: 0 2px 14px rgba(20, 40, 70, .18); }
.masthead { background: var(--brand); color: #fff; padding: 9mm 14mm 7mm; border-bottom: 4px solid var(--accent); }
.kicker { font-size: 8pt; letter-spacing: .14em; text-transform: uppercase; opacity: .85; margin: 0 0 2mm; }
h1 { font-size: 19pt; line-height: 1.2; margin: 0 0 2mm; font-weight: 700; }
.period { font-size: 10.5pt; margin: 0; }
.period b { font-weight: 700; }
main { padding: 6mm 14mm 4mm; }
section { margin: 0 0 6mm; }
h2 { font-size: 11pt; color: var(--brand); text-transform: uppercase; letter-spacing: .06em; margin: 0 0 2.5mm; padding-bottom: 1mm; border-bottom: 1.5px solid var(--accent); }
h3 { font-size: 10pt; margin: 3mm 0 1.5mm; color: var(--ink); }
p { margin: 0 0 2mm; }
.grid-2 { display: grid; grid-template-columns: 1.7fr 1fr; gap: 7mm; }
.grid-even { display: grid; grid-template-columns: 1fr 1fr; gap: 7mm; }
.grid-3 { display: grid; grid-template-columns: repeat(3, 1fr); gap: 5mm; }
.objective { font-weight: 600; color: var(--brand); }
aside.box { background: var(--soft); padding: 3.5mm 4mm; border-radius: 2mm; }
aside.box h2 { border-bottom-color: var(--line); }
ul.plain { margin: 0; padding-left: 4.5mm; }
ul.plain li { margin: 0 0 1.2mm; }
.tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4mm; margin: 0 0 4mm; }
.tile { border: 1px solid var(--line); border-top: 3px solid var(--accent); border-radius: 1.5mm; padding: 3mm 4mm; }
.tile .n { display: block; font-size: 24pt; font-weight: 700; color: var(--brand); line-height: 1.1; }
.tile .c { display: block; font-size: 9pt; color: var(--muted); }
.tile .s { display: block; font-size: 8.5pt; margin-top: 1mm; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; }
caption, p.caption { text-align: left; font-weight: 700; font-size: 9.5pt; padding: 0 0 1.5mm; }
th, td { padding: 1.3mm 2mm; border-bottom: 1px solid var(--line); vertical-align: top; text-align: left; }
thead th { background: var(--soft); color: var(--brand); font-size: 8.5pt; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.hidden-fig { color: var(--warn); font-weight: 700; }
.assist { margin-top: 4mm; background: var(--soft); border-radius: 2mm; padding: 3mm 4mm; }
.assist p.lead { font-size: 10.5pt; }
.assist .grid-even { gap: 5mm; }
ol.activities { list-style: none; margin: 0 0 2mm; padding: 0; }
ol.activities li { display: grid; grid-template-columns: 10mm 1fr auto; gap: 2mm; padding: 1.2mm 0; border-bottom: 1px dotted var(--line); }
.code { font-weight: 700; color: var(--accent); }
.chips { text-align: right; white-space: nowrap; font-size: 8.5pt; color: var(--muted); }
.chips b { color: var(--ink); }
.contrib h3 { margin-top: 0; color: var(--brand); }
.contrib ul { list-style: none; margin: 0; padding: 0; font-size: 8.8pt; }
.contrib li { margin: 0 0 1.8mm; }
.badge { display: inline-block; min-width: 12mm; padding: .3mm 1.5mm; margin-right: 1.5mm; border-radius: 1mm; background: var(--brand); color: #fff; font-weight: 700; font-size: 8pt; text-align: center; }
.badge.sub { background: #fff; color: var(--brand); border: 1px solid var(--accent); }
.targets { margin: 1mm 0 0 4mm; }
.lines-note { display: block; color: var(--muted); font-size: 7.8pt; margin-left: 1mm; }
.chart { margin: 2mm 0 0; }
.chart figcaption { font-weight: 700; font-size: 9.5pt; padding: 0 0 1mm; }
.chart .lbl { font-size: 8.5px; fill: var(--ink); }
.chart .val { font-size: 8.5px; fill: var(--brand); font-weight: 700; }
.chart .val.hidden { fill: var(--warn); }
.chart .bar, .progress .bar { fill: var(--accent); }
.progress { vertical-align: middle; margin-right: 1mm; }
.progress .track { fill: var(--soft); }
.progress .done { fill: #1f8a4c; }
.partners ul { columns: 2; column-gap: 7mm; list-style: none; margin: 0; padding: 0; font-size: 9pt; }
.partners li { break-inside: avoid; margin: 0 0 1.3mm; }
.partners .type { color: var(--muted); font-size: 8pt; }
footer { padding: 0 14mm 8mm; font-size: 8.5pt; color: var(--muted); }
.protection { color: var(--warn); background: var(--warn-bg); border-left: 3px solid #e0a300; padding: 2mm 3mm; margin: 0 0 2mm; }
footer ul { margin: 0 0 2mm; padding-left: 4.5mm; }
.muted { color: var(--muted); }
@page { size: A4; margin: 12mm 12mm 14mm; }
@media print {
  body { background: #fff; font-size: 9pt; line-height: 1.38; }
  .sheet { width: auto; min-height: 0; margin: 0; box-shadow: none; }
  .masthead { padding: 5mm 6mm 4mm; }
  h1 { font-size: 16pt; }
  main { padding: 4mm 0 0; }
  section { margin-bottom: 4.5mm; }
  footer { padding: 0; }
  .tile .n { font-size: 20pt; }
  .grid-2, .grid-even { gap: 5mm; }
  .partners ul { columns: 3; font-size: 8.5pt; }
  /* Small blocks stay whole and headings stay with what follows them; sections themselves flow from page to page, so
     a section that does not fit at a page's foot starts there instead of leaving half a page blank. */
  .intro, .tiles, .protection, tr, ol.activities li, .contrib li, .partners li, .chart, table { break-inside: avoid; page-break-inside: avoid; }
  .figures .grid-even > table { break-inside: avoid; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

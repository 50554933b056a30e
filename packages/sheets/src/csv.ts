import { SheetError } from './errors.js';

/** Splits CSV text into records (RFC 4180 quoting; `,` or `;` delimiter, as French spreadsheet exports use `;`). */
export function parseCsv(text: string): string[][] {
  const body = text.replace(/^\uFEFF/, '');
  const delimiter = delimiterOf(body);
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new SheetError('the CSV has an unterminated quoted field');
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

export { SheetError };

/**
 * `;` or `,`: the one that splits the first lines most consistently (the same number of times on most lines). A
 * title row above the header, or decimal commas in `;` files ("1 200,5"), do not mislead it; a tie goes to what
 * the first line uses more, then to `,`.
 */
function delimiterOf(body: string): ';' | ',' {
  const lines = body
    .slice(0, 20_000)
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .slice(0, 20);
  const score = (d: string) => {
    const counts = new Map<number, number>();
    for (const l of lines) {
      const n = l.split(d).length - 1;
      if (n) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    return Math.max(0, ...counts.values());
  };
  const semi = score(';');
  const comma = score(',');
  if (semi !== comma) return semi > comma ? ';' : ',';
  const first = lines[0] ?? '';
  return first.split(';').length > first.split(',').length ? ';' : ',';
}

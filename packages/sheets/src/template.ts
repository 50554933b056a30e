import ExcelJS from 'exceljs';

type Lang = 'fr' | 'en';
type Text = { fr: string; en: string };

/** One column of an import template. */
export interface TemplateColumn {
  /** Header in each language; each must be a header the importer accepts. */
  header: Text;
  /** What to write, shown on the instructions sheet. */
  help: Text;
  required?: boolean;
  /** The closed list offered as a drop-down, per language (labels the importer reads back). */
  choices?: { fr: readonly string[]; en: readonly string[] };
  /** Whether a value off the list is refused by the spreadsheet (else only a hint: e.g. several flags in one cell). */
  strict?: boolean;
}

export interface TemplateSpec {
  title: Text;
  /** Name of the data sheet. */
  sheet: Text;
  columns: TemplateColumn[];
  /** General instructions, one paragraph per entry. */
  notes: Text[];
}

/** Rows of the data sheet that get drop-downs: more than any field list, few enough to keep the file small. */
const VALIDATED_ROWS = 2000;
const colName = (i: number) =>
  i < 26
    ? String.fromCharCode(65 + i)
    : String.fromCharCode(64 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26));

async function xlsxTemplate(spec: TemplateSpec, lang: Lang): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const data = book.addWorksheet(spec.sheet[lang]);
  const help = book.addWorksheet(lang === 'fr' ? 'Instructions' : 'Instructions');
  // Drop-down lists live on a hidden sheet: a list typed into the validation itself is limited to 255 characters
  // and cannot hold a label with a comma.
  const lists = book.addWorksheet(lang === 'fr' ? 'Listes' : 'Lists', { state: 'hidden' });
  data.addRow(spec.columns.map((c) => c.header[lang]));
  data.getRow(1).font = { bold: true };
  data.views = [{ state: 'frozen', ySplit: 1 }];
  spec.columns.forEach((c, i) => {
    data.getColumn(i + 1).width = Math.max(12, c.header[lang].length + 4);
    if (!c.choices) return;
    const values = c.choices[lang];
    values.forEach((v, j) => {
      lists.getCell(j + 1, i + 1).value = v;
    });
    const validation: ExcelJS.DataValidation = {
      type: 'list',
      allowBlank: !c.required,
      formulae: [`'${lists.name}'!$${colName(i)}$1:$${colName(i)}$${values.length}`],
      showErrorMessage: true,
      errorStyle: c.strict === false ? 'information' : 'stop',
      errorTitle: c.header[lang],
      error: lang === 'fr' ? 'Choisissez une valeur de la liste.' : 'Choose a value from the list.',
    };
    // One range, not a validation per cell: cells would become (empty) rows of the file, counted by the row limit.
    (
      data as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }
    ).dataValidations.add(`${colName(i)}2:${colName(i)}${VALIDATED_ROWS + 1}`, validation);
  });
  help.getColumn(1).width = 28;
  help.getColumn(2).width = 12;
  help.getColumn(3).width = 100;
  help.addRow([spec.title[lang]]).font = { bold: true, size: 14 };
  for (const n of spec.notes) help.addRow([n[lang]]);
  help.addRow([]);
  help.addRow(lang === 'fr' ? ['Colonne', 'Obligatoire', 'Contenu'] : ['Column', 'Required', 'What to write']).font = {
    bold: true,
  };
  for (const c of spec.columns) {
    const required = c.required ? (lang === 'fr' ? 'oui' : 'yes') : lang === 'fr' ? 'non' : 'no';
    help.addRow([
      c.header[lang],
      required,
      c.choices
        ? `${c.help[lang]} ${lang === 'fr' ? 'Valeurs' : 'Values'}: ${c.choices[lang].join(' | ')}`
        : c.help[lang],
    ]);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

const csvField = (s: string, d: string) =>
  s.includes(d) || s.includes('"') || /[\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;

/**
 * An import template: XLSX (header row in the language, drop-downs for closed lists, an instructions sheet) or CSV
 * (UTF-8 with a BOM so Excel reads accents; `;`-separated in French as French Excel expects, `,` in English).
 */
export async function writeTemplate(spec: TemplateSpec, format: 'xlsx' | 'csv', lang: Lang): Promise<Buffer> {
  if (format === 'xlsx') return xlsxTemplate(spec, lang);
  const d = lang === 'fr' ? ';' : ',';
  return Buffer.from(`\uFEFF${spec.columns.map((c) => csvField(c.header[lang], d)).join(d)}\r\n`, 'utf8');
}

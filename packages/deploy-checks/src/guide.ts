// Reads what docs/extending.md says a recipe touches: each `| file | change |` table of a section, and the line under
// it that gives the measured counts, so the test that applies the recipe checks the guide and not a copy of it.

/** One table of a recipe: the files it lists, those it marks "only if …", and the counts written under it. */
export interface GuideStep {
  files: string[];
  optional: string[];
  /** "**N files** by hand": every file of the table. */
  hand: number;
  /** "(**M** if …)": the files left when the optional ones are not needed. */
  handWithoutOptional: number | null;
  /** "**K** written by `export-schemas`". */
  generated: number;
}

const TABLE = /\n\| file \| change \|\n\|---\|---\|\n((?:\|.*\|\n)+)/g;
const MEASURED =
  /^Measured: \*\*(\d+) files?\*\* by hand(?: \(\*\*(\d+)\*\* [^)]*\))?, \*\*(\d+)\*\* written by `export-schemas`/;

/** The tables of the section whose heading starts with `heading`, in order; throws on a table it cannot read. */
export function guideSteps(markdown: string, heading: string): GuideStep[] {
  const start = markdown.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`docs/extending.md has no section "## ${heading}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(TABLE)].map((m) => {
    const files: string[] = [];
    const optional: string[] = [];
    for (const row of m[1]!.trim().split('\n')) {
      if (row.startsWith('| tests |')) continue;
      const cells = /^\| `([^`]+)` \| (.*) \|$/.exec(row);
      if (!cells) throw new Error(`a row of "${heading}" names no single file: ${row}`);
      files.push(cells[1]!);
      if (cells[2]!.startsWith('only if')) optional.push(cells[1]!);
    }
    const after = section.slice(m.index! + m[0].length).trimStart();
    const counts = MEASURED.exec(after);
    if (!counts) throw new Error(`the table of "${heading}" listing ${files[0]} has no "Measured: …" line under it`);
    return {
      files,
      optional,
      hand: Number(counts[1]),
      handWithoutOptional: counts[2] === undefined ? null : Number(counts[2]),
      generated: Number(counts[3]),
    };
  });
}

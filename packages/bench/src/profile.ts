import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Self time per function (name, file:line), largest first. */
  functions: Array<{ fn: string; where: string; ms: number; percent: number }>;
  /** Self time per area: a package of node_modules, a workspace, node internals, GC, idle. */
  areas: Array<{ area: string; ms: number; percent: number }>;
}

/** Where a script belongs: `node_modules/<pkg>`, a Passerelle workspace, node internals, or a V8 pseudo-frame. */
function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ws = /\/(services|packages)\/([^/]+)\//.exec(url);
  if (ws) return `${ws[1]}/${ws[2]}`;
  return url.startsWith('node:') ? 'node internals' : url;
}

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/(services|packages)\//, '$1/');

/** Sums self time per function and per area of a .cpuprofile (as written by node --cpu-prof). */
export function summariseProfile(file: string, top = 20): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const fns = new Map<string, { fn: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const fn = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${fn}@${where}`;
    const f = fns.get(key) ?? { fn, where, us: 0 };
    f.us += us;
    fns.set(key, f);
    const area = areaOf(url, fn);
    areas.set(area, (areas.get(area) ?? 0) + us);
    total += us;
  }
  const pct = (us: number) => Math.round((1000 * us) / total) / 10;
  return {
    file,
    totalMs: Math.round(total / 1000),
    functions: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ fn: f.fn, where: f.where, ms: Math.round(f.us / 1000), percent: pct(f.us) })),
    areas: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, ms: Math.round(us / 1000), percent: pct(us) })),
  };
}

// `node dist/profile.js <file.cpuprofile> [top]` prints the summary of any profile.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = summariseProfile(process.argv[2]!, Number(process.argv[3] ?? 25));
  console.log(`${s.file}: ${s.totalMs} ms sampled\n\nby area:`);
  for (const a of s.areas)
    console.log(`  ${String(a.percent).padStart(5)}%  ${String(a.ms).padStart(7)} ms  ${a.area}`);
  console.log('\nby function (self time):');
  for (const f of s.functions)
    console.log(`  ${String(f.percent).padStart(5)}%  ${String(f.ms).padStart(7)} ms  ${f.fn}  ${f.where}`);
}

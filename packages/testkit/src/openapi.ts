import { declaredRoutes } from '@passerelle/platform';

// Checks of the API documentation every service shares: what the OpenAPI document must say of each operation, and
// whether a real answer is what its route declares. Both return problems (empty when fine) so a failure names them all.

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; example?: unknown }>;
  requestBody?: { content: Record<string, { schema?: unknown; example?: unknown }> };
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown; example?: unknown }> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> };

const EVERY_ROUTE = ['401', '403', '429', '503'];

/** Pure: what each operation of an OpenAPI document lacks (success response, examples, id, tags, errors), as `METHOD /path: what`. */
export function undocumentedOperations(doc: Doc): string[] {
  const out: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const at = `${method.toUpperCase()} ${path}`;
      const miss = (what: string) => out.push(`${at}: ${what}`);
      if (!op.operationId) miss('no operationId');
      if (!op.summary) miss('no summary');
      if (!op.tags?.length) miss('no tags');
      for (const p of op.parameters ?? [])
        if (p.example === undefined) miss(`no example of ${p.in} parameter ${p.name}`);
      for (const [type, c] of Object.entries(op.requestBody?.content ?? {}))
        if (type === 'application/json' && c.example === undefined) miss('no example of the JSON body');
      const responses = op.responses ?? {};
      const success = Object.entries(responses).filter(([s]) => /^2\d\d$/.test(s));
      if (!success.length) miss('no success response');
      for (const [status, r] of success) {
        if (status === '204') continue;
        const content = Object.entries(r.content ?? {});
        if (!content.length) miss(`no content of its ${status} response`);
        for (const [type, c] of content) {
          if (type !== 'application/json') continue;
          if (!c.schema || Object.keys(c.schema).filter((k) => k !== '$schema').length === 0)
            miss(`an empty schema for its ${status} response`);
          if (c.example === undefined) miss(`no example of its ${status} response`);
        }
      }
      for (const s of EVERY_ROUTE) if (!responses[s]) miss(`no ${s} response`);
      if (path.includes('{') && !responses['404']) miss('no 404 response for its path parameter');
      if (op.requestBody && method !== 'get')
        for (const s of ['413', '415']) if (!responses[s]) miss(`no ${s} response for its body`);
      // A read neither conflicts nor takes a body: listing these was the generic error list the docs used to give.
      if (method === 'get')
        for (const s of ['409', '413', '415']) if (responses[s]) miss(`a ${s} response, which a read cannot give`);
    }
  }
  return out;
}

/** Pure: the paths of `raw` that `parsed` lacks: fields the answer carries that its schema does not declare. */
function undeclared(raw: unknown, parsed: unknown, at = ''): string[] {
  if (Array.isArray(raw) && Array.isArray(parsed))
    return raw.flatMap((v, i) => undeclared(v, parsed[i], `${at}[${i}]`));
  if (!raw || typeof raw !== 'object' || !parsed || typeof parsed !== 'object') return [];
  return Object.entries(raw as Record<string, unknown>).flatMap(([k, v]) =>
    k in (parsed as object) ? undeclared(v, (parsed as Record<string, unknown>)[k], `${at}.${k}`) : [`${at}.${k}`],
  );
}

/**
 * What is wrong with a real answer of a service's route (declared in this process, e.g. `GET /deliveries/:id`): its
 * status against the declared one, and its JSON body against the declared zod response schema, fields it does not
 * declare included.
 */
export function answerProblems(service: string, route: string, answer: { status: number; body: unknown }): string[] {
  const [method, path] = route.split(' ');
  const r = declaredRoutes(service).find((d) => d.method === method?.toLowerCase() && d.path === path);
  if (!r) return [`${service} declares no route ${route}`];
  const expected = r.status ?? (answer.body === undefined ? 204 : 200);
  if (answer.status !== expected)
    return [`${route} answered ${answer.status}, declares ${expected}: ${JSON.stringify(answer.body)?.slice(0, 300)}`];
  if (answer.body === undefined) return [];
  if (!r.response) return [`${route} declares no response schema`];
  const parsed = r.response.safeParse(answer.body);
  if (!parsed.success) return parsed.error.issues.map((i) => `${route}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  return undeclared(answer.body, parsed.data).map((p) => `${route}: ${p} is not in the declared schema`);
}

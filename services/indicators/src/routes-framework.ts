import { z } from 'zod';
import {
  ALIGNMENT_CATALOGUES,
  Country,
  frameworkId,
  ProgrammeCode,
  ruleCatalogue,
  validateRule,
} from '@passerelle/contracts';
import { assertCountry, countryFilter, NotFoundError, PageQuery, type Api } from '@passerelle/platform';
import { frameworkView, today, YAML_TYPES, type RouteContext } from './context.js';
import { decideImport, FrameworkFile, parseFile, readUpload, toFile, toYaml } from './file.js';
import { createFramework, publish, removeNode, replaceDraft, saveNode } from './framework.js';
import {
  AlignmentCatalogues,
  FrameworkExport,
  FrameworkImported,
  FrameworkPage,
  FrameworkView,
  PublishedVersionView,
  RuleCatalogue,
  RuleCheck,
} from './responses.js';
import {
  CreateFrameworkBody,
  DraftBody,
  FrameworkParams,
  NodeBody,
  NodeParams,
  PublishBody,
  PublishedParams,
  VersionQuery,
} from './schemas.js';

const W = 'indicators:write';
const R = 'indicators:read';

const ImportQuery = z.strictObject({
  programme: ProgrammeCode.optional(),
  country: Country.optional(),
  publish: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** Frameworks: create, edit the draft, publish versions, import and export; the catalogues. */
export function frameworkRoutes(api: Api, { store, frameworks, commands }: RouteContext) {
  api.post(
    '/frameworks',
    {
      summary: 'Start a results framework (draft) for a programme in a country',
      scope: W,
      body: CreateFrameworkBody,
      response: FrameworkView,
      status: 201,
      tags: ['frameworks'],
    },
    async ({ body, principal, req, res }) => {
      const id = frameworkId(body.programme, body.country);
      const { aggregate } = await frameworks.create({ req, principal }, id, body.country, () =>
        createFramework(body, { today: today() }),
      );
      res.location(`/frameworks/${id}`);
      return frameworkView(aggregate);
    },
  );

  api.get(
    '/frameworks',
    {
      summary: 'Frameworks the caller may read',
      scope: R,
      query: z.strictObject({ country: Country.optional(), ...PageQuery }),
      response: FrameworkPage,
      excludeErrors: [422],
      tags: ['frameworks'],
    },
    async ({ query, principal }) => {
      if (query.country) assertCountry(principal, query.country);
      const allowed = countryFilter(principal);
      const filter = query.country ? { country: query.country } : allowed ? { country: { $in: allowed } } : {};
      return store.frameworks.page(filter, query, { sort: { _id: 1 }, omit: ['state.published'] }, (a) => ({
        id: a.id,
        version: a.version,
        programme: a.state.programme,
        country: a.country,
        title: a.state.details.title,
        publishedVersion: a.state.publishedVersion,
        unpublishedChanges: a.state.unpublishedChanges,
        indicators: a.state.indicators.filter((i) => i.status === 'active').length,
      }));
    },
  );

  api.get(
    '/frameworks/:id',
    {
      summary: 'A framework: draft tree, indicators, targets and published versions',
      scope: R,
      params: FrameworkParams,
      response: FrameworkView,
      tags: ['frameworks'],
    },
    async ({ params, principal }) => frameworkView(await frameworks.read(principal, params.id)),
  );

  commands.put(api, '/frameworks/:id/draft', {
    summary: 'Replace the draft: details (title, context, target groups) and the whole tree',
    scope: W,
    params: FrameworkParams,
    body: DraftBody,
    response: FrameworkView,
    tags: ['frameworks'],
    decide: (f, { body: { version: _version, ...draft } }) => replaceDraft(f, draft, { today: today() }),
  });

  commands.put(api, '/frameworks/:id/nodes/:code', {
    summary: 'Add or replace one node of the draft (outcome, output, activity line)',
    scope: W,
    params: NodeParams,
    body: NodeBody,
    response: FrameworkView,
    tags: ['frameworks'],
    decide: (f, { params, body: { version: _version, ...node } }) =>
      saveNode(f, { code: params.code, ...node }, { today: today() }),
  });

  commands.delete(api, '/frameworks/:id/nodes/:code', {
    summary: 'Remove a leaf node no active indicator measures',
    scope: W,
    params: NodeParams,
    query: VersionQuery,
    response: FrameworkView,
    tags: ['frameworks'],
    version: ({ query }) => query.version,
    decide: (f, { params }) => removeNode(f, params.code, { today: today() }),
  });

  commands.post(api, '/frameworks/:id/publish', {
    summary: 'Publish the draft as the next framework version',
    scope: W,
    params: FrameworkParams,
    body: PublishBody,
    response: FrameworkView,
    tags: ['frameworks'],
    decide: (f, { body }) => publish(f, body.note, { today: today() }),
  });

  api.get(
    '/frameworks/:id/versions/:n',
    {
      summary: 'One published version of the framework, as reports name it',
      scope: R,
      params: PublishedParams,
      response: PublishedVersionView,
      tags: ['frameworks'],
    },
    async ({ params, principal }) => {
      const a = await frameworks.read(principal, params.id);
      const published = a.state.published.find((p) => p.version === params.n);
      if (!published) throw new NotFoundError(`version of framework ${params.id}`, String(params.n));
      return {
        frameworkId: a.id,
        programme: a.state.programme,
        country: a.country,
        programmeStart: a.state.programmeStart,
        ...published,
      };
    },
  );

  api.get(
    '/frameworks/:id/export',
    {
      summary: 'Export the framework, its indicators, baselines, targets and tags as one file',
      scope: R,
      params: FrameworkParams,
      query: z.strictObject({ format: z.enum(['json', 'yaml']).default('json') }),
      response: FrameworkExport,
      produces: ['application/yaml'],
      excludeErrors: [422],
      tags: ['import/export'],
    },
    async ({ params, query, principal, res }) => {
      const file = toFile((await frameworks.read(principal, params.id)).state, { today: today() });
      res.attachment(`${params.id}.framework.${query.format}`);
      if (query.format === 'json') return file;
      res.type('application/yaml').send(toYaml(file));
      return undefined;
    },
  );

  api.post(
    '/frameworks/import',
    {
      summary: 'Import a whole framework from a JSON or YAML file: all of it, or nothing with every problem listed',
      description:
        "Query `programme` and `country` override the file's (to start from another office's framework); `publish=true` publishes it as version 1.",
      scope: W,
      query: ImportQuery,
      accepts: ['application/json', ...YAML_TYPES],
      documentedBody: FrameworkFile,
      response: FrameworkImported,
      status: 201,
      tags: ['import/export'],
    },
    async ({ body, query, principal, req, res }) => {
      const file = parseFile(readUpload(body), { programme: query.programme, country: query.country });
      const id = frameworkId(file.framework.programme, file.framework.country);
      const { aggregate, decision } = await frameworks.create({ req, principal }, id, file.framework.country, () =>
        decideImport(file, { today: today() }, { publish: query.publish }),
      );
      res.location(`/frameworks/${id}`);
      return { ...frameworkView(aggregate), events: decision.events.length };
    },
  );

  api.get(
    '/catalogues/alignments',
    {
      summary: 'SDG goals and targets, Global Compact objectives and SNIA specific objectives, fr and en',
      scope: R,
      response: AlignmentCatalogues,
      tags: ['catalogues'],
    },
    async () => ALIGNMENT_CATALOGUES,
  );
  api.get(
    '/catalogues/rules',
    {
      summary: 'Sources, measures and dimensions an indicator rule may use',
      scope: R,
      response: RuleCatalogue,
      tags: ['catalogues'],
    },
    async () => ruleCatalogue(),
  );
  api.post(
    '/catalogues/rules/check',
    {
      summary: 'Check a rule against the catalogue without saving anything',
      scope: R,
      body: z.strictObject({ rule: z.unknown() }),
      response: RuleCheck,
      excludeErrors: [409, 422],
      tags: ['catalogues'],
    },
    async ({ body }) => {
      const problems = validateRule(body.rule);
      return { valid: problems.length === 0, problems };
    },
  );
}

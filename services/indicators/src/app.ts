import { createEnvelope } from '@passerelle/contracts';
import { assertCountry, createHttpApp, httpOptionsFrom, expectVersion, type Runtime } from '@passerelle/platform';
import { YAML_TYPES, type RouteContext } from './context.js';
import { frameworkRoutes } from './routes-framework.js';
import { indicatorRoutes } from './routes-indicators.js';
import type { FrameworkStore } from './store.js';

/** The indicators HTTP API. */
export function createApp(rt: Pick<Runtime, 'logger' | 'verify' | 'readiness' | 'config'>, store: FrameworkStore) {
  const envelopes: RouteContext['envelopes'] = (req, p, d) => d.events.map((e) => createEnvelope(e, { actor: p.actor, correlationid: req.requestId }));
  const read: RouteContext['read'] = async (p, id) => {
    const a = await store.frameworks.get(id);
    assertCountry(p, a.country);
    return a;
  };
  // Country and version are checked before any rule, so a stale or foreign edit is a 403/409 whatever it contains.
  const change: RouteContext['change'] = async (req, p, id, version, decide) => {
    const current = await read(p, id);
    expectVersion(current, version, 'framework');
    const d = decide(current.state);
    return store.frameworks.append(current, version, d.state, envelopes(req, p, d));
  };
  const ctx: RouteContext = { store, envelopes, read, change };

  return createHttpApp({
    service: 'indicators',
    about: { title: 'Passerelle indicators', description: 'Results frameworks, indicator definitions and their computation rules, baselines, targets and alignment to SDG, Global Compact and national strategy objectives.' },
    ...httpOptionsFrom(rt),
    rawBodyTypes: YAML_TYPES,
    routes(api) {
      frameworkRoutes(api, ctx);
      indicatorRoutes(api, ctx);
    },
  });
}

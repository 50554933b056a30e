import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appServices, compose, envOf, read, root } from './compose-file.js';

const caddyfile = read('infra', 'caddy', 'Caddyfile');
/** The first path segment of every route a service declares (api.get('/reports/…') → /reports). */
function prefixesOf(service: string): string[] {
  const dir = join(root, 'services', service, 'src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.includes('test'),
  );
  const text = files.map((f) => read('services', service, 'src', f)).join('\n');
  return [...new Set([...text.matchAll(/api\.(?:get|post|put|patch|delete)\('(\/[a-z0-9-]+)/g)].map((m) => m[1]!))];
}

describe('the reverse proxy (Caddy)', () => {
  it('is the only entry point, terminating TLS: automatic, internal, or a given certificate', () => {
    expect(compose.services.proxy!.image).toMatch(/^caddy:\d+\.\d+\.\d+-alpine$/);
    expect(compose.services.proxy!.volumes).toContain('./infra/caddy/Caddyfile:/etc/caddy/Caddyfile:ro');
    expect(caddyfile).toMatch(/^\{\$PASSERELLE_DOMAIN:localhost\} \{$/m);
    expect(caddyfile).toMatch(/import tls_\{\$PASSERELLE_TLS:auto\}/);
    expect(caddyfile).toMatch(/\(tls_files\) \{\s+tls \/certs\/cert\.pem \/certs\/key\.pem\s+\}/);
    expect(caddyfile).toMatch(/\(tls_internal\) \{\s+tls internal\s+\}/);
  });

  it.each(appServices)('routes every path %s serves to it, at its port', (service) => {
    const port = envOf(service).PORT;
    for (const prefix of prefixesOf(service)) {
      // Reports may go to replicas instead (REPORTING_UPSTREAMS, scale profile): the default is still the service.
      expect(caddyfile, `${prefix} → ${service}`).toMatch(
        new RegExp(`handle ${prefix}\\* \\{\\s+reverse_proxy (\\{\\$REPORTING_UPSTREAMS:)?${service}:${port}[\\s}]`),
      );
    }
  });

  it("routes the API docs page and each service's OpenAPI document on one origin, as the page expects by default", () => {
    expect(caddyfile).toMatch(/handle \/docs\* \{\s+reverse_proxy projection:3005[\s}]/);
    expect(caddyfile).toMatch(/handle \/asyncapi\* \{\s+reverse_proxy projection:3005[\s}]/);
    expect(envOf('projection').DOCS_OPENAPI_URLS).toBeUndefined();
    for (const service of ['trainings', 'assistance', 'partners', 'indicators', 'projection']) {
      expect(caddyfile, service).toMatch(
        new RegExp(`handle /openapi/${service}\\.json \\{\\s+reverse_proxy ${service}:${envOf(service).PORT}[\\s}]`),
      );
    }
  });

  it("keeps /metrics and health checks off the public edge; services trust only the proxy's address", () => {
    expect(caddyfile).toMatch(/respond \/metrics\* 404/);
    expect(caddyfile).toMatch(/respond \/health\/\* 404/);
    const proxyIp = (compose.services.proxy!.networks as { passerelle: { ipv4_address: string } }).passerelle
      .ipv4_address;
    for (const name of appServices) expect(envOf(name).TRUST_PROXY).toBe(proxyIp);
  });
});

describe('the idp profile (Keycloak)', () => {
  const realm = JSON.parse(read('infra', 'keycloak', 'passerelle-realm.json')) as {
    realm: string;
    accessTokenLifespan: number;
    defaultSignatureAlgorithm: string;
    clientScopes: Array<{
      name: string;
      attributes: Record<string, string>;
      protocolMappers?: Array<{ protocolMapper: string; config: Record<string, string> }>;
    }>;
    clients: Array<{
      clientId: string;
      publicClient: boolean;
      optionalClientScopes: string[];
      defaultClientScopes: string[];
    }>;
    components: Record<string, Array<{ providerId: string }>>;
  };
  const scopesUsed = [
    ...new Set(
      appServices.flatMap((s) => {
        const dir = join(root, 'services', s, 'src');
        return readdirSync(dir, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.ts') && !f.includes('test'))
          .flatMap((f) =>
            [...read('services', s, 'src', f).matchAll(/'([a-z]+:(?:read|write|admin|internal))'/g)].map((m) => m[1]!),
          );
      }),
    ),
  ];

  it("issues every scope the services check, in the token's scope claim", () => {
    expect(scopesUsed.length).toBeGreaterThan(10);
    for (const scope of scopesUsed) {
      const cs = realm.clientScopes.find((c) => c.name === scope);
      expect(cs, scope).toBeDefined();
      expect(cs!.attributes['include.in.token.scope']).toBe('true');
      expect(realm.clients[0]!.optionalClientScopes).toContain(scope);
    }
  });

  it('adds the audience the services expect and the countries claim, as a list', () => {
    const mappers = realm.clientScopes.find((c) => c.name === 'passerelle')!.protocolMappers!;
    expect(mappers.find((m) => m.protocolMapper === 'oidc-audience-mapper')!.config['included.custom.audience']).toBe(
      envOf('projection').JWT_AUDIENCE,
    );
    expect(mappers.find((m) => m.protocolMapper === 'oidc-usermodel-attribute-mapper')!.config).toMatchObject({
      'claim.name': 'countries',
      multivalued: 'true',
      'access.token.claim': 'true',
    });
    expect(realm.clients[0]!.defaultClientScopes).toContain('passerelle');
  });

  it('signs with EdDSA (ES256 and RS256 keys also published), and tokens live shorter than JWT_MAX_TTL', () => {
    expect(realm.defaultSignatureAlgorithm).toBe('EdDSA');
    expect(realm.components['org.keycloak.keys.KeyProvider']!.map((k) => k.providerId).sort()).toEqual([
      'ecdsa-generated',
      'eddsa-generated',
      'rsa-generated',
    ]);
    expect(realm.accessTokenLifespan).toBeLessThan(12 * 3600);
    expect(compose.services.keycloak!.volumes).toContain(
      './infra/keycloak/passerelle-realm.json:/opt/keycloak/data/import/passerelle-realm.json:ro',
    );
    expect(caddyfile).toMatch(/handle \/realms\/\* \{\s+reverse_proxy keycloak:8080/);
  });
});

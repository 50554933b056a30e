import { describe, expect, it } from 'vitest';
import { ApiDocsSpecsSetting, sameOriginSpecs, specOrigins } from './docs.js';

describe('the docs page setting', () => {
  it("reads name=url pairs: paths on the page's origin by default, http(s) URLs in development", () => {
    expect(ApiDocsSpecsSetting.parse(sameOriginSpecs(['trainings', 'projection']))).toEqual([
      { name: 'trainings', url: '/openapi/trainings.json' },
      { name: 'projection', url: '/openapi/projection.json' },
    ]);
    const dev = ApiDocsSpecsSetting.parse(
      ' trainings=http://127.0.0.1:3001/openapi.json, projection=/openapi/projection.json ',
    );
    expect(dev).toEqual([
      { name: 'trainings', url: 'http://127.0.0.1:3001/openapi.json' },
      { name: 'projection', url: '/openapi/projection.json' },
    ]);
    // The page's CSP lets it fetch exactly these origins besides its own.
    expect(specOrigins(dev)).toEqual(['http://127.0.0.1:3001']);
  });

  it('refuses anything else, naming the part', () => {
    for (const bad of [
      '',
      'trainings',
      'trainings=javascript:alert(1)',
      'Trainings=/x',
      'a=//evil.example/x',
      'a=ftp://host/x',
    ]) {
      const r = ApiDocsSpecsSetting.safeParse(bad);
      expect(r.success, bad).toBe(false);
    }
    expect(ApiDocsSpecsSetting.safeParse('a=/x,b').error?.issues[0]?.message).toContain('"b"');
  });
});

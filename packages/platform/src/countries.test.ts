import { describe, expect, it } from 'vitest';
import { COUNTRIES, Country, IsoCountry, servedCountries, setServedCountries } from '@passerelle/contracts';
import { loadConfig, serviceConfigShape } from './config.js';

const shape = serviceConfigShape({ port: 1, db: 'x' });
const base = { JWT_SECRET: 'x'.repeat(32) };

describe('served countries are deployment configuration', () => {
  it("default to the programme's 19", () => {
    expect(loadConfig(shape, base).COUNTRIES).toEqual([...COUNTRIES]);
    expect(COUNTRIES).toHaveLength(19);
  });
  it('take any ISO 3166-1 alpha-2 codes, and refuse anything else by name', () => {
    expect(loadConfig(shape, { ...base, COUNTRIES: 'ma, FR,ma' }).COUNTRIES).toEqual(['MA', 'FR']);
    expect(() => loadConfig(shape, { ...base, COUNTRIES: 'MA,XX' })).toThrow(
      /COUNTRIES.*XX is not an ISO 3166-1 alpha-2 code/,
    );
    expect(() => loadConfig(shape, { ...base, COUNTRIES: 'Morocco' })).toThrow(/COUNTRIES/);
    expect(() => loadConfig(shape, { ...base, COUNTRIES: ' , ' })).toThrow(/COUNTRIES/);
  });
  it('adding a country is a setting: inputs accept it, and refuse countries not served', () => {
    try {
      setServedCountries(loadConfig(shape, { ...base, COUNTRIES: 'MA,FR' }).COUNTRIES);
      expect(servedCountries()).toEqual(['MA', 'FR']);
      expect(Country.safeParse('FR').success).toBe(true);
      expect(Country.safeParse('TN').error?.issues[0]?.message).toMatch(
        /not a country this deployment serves \(MA, FR\)/,
      );
      // Events keep their country whatever is served today: a replay never refuses history.
      expect(IsoCountry.safeParse('TN').success).toBe(true);
    } finally {
      setServedCountries(COUNTRIES);
    }
  });
});

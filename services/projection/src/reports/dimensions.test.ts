import { describe, expect, it } from 'vitest';
import { label, VALUE_SETS } from './labels.js';
import { ASSISTANCE_BREAKDOWNS, TRAININGS_BREAKDOWNS } from './summaries.js';

// Reports take their breakdowns and dimension labels from the contracts' dimensions table. The lists below are what
// they showed when each was written out here by hand: deriving them must not move a row or change a word.
describe('reports read the dimensions table', () => {
  it('break the summaries down in the order they always had, activities counted where they were', () => {
    const shown = (bs: typeof TRAININGS_BREAKDOWNS) => bs.map((b) => (b.activities ? `${b.field}+` : b.field));
    expect(shown(TRAININGS_BREAKDOWNS)).toEqual(['topic+', 'participant_category', 'sex', 'region+']);
    expect(shown(ASSISTANCE_BREAKDOWNS)).toEqual(['what+', 'partnerId+', 'vulnerability', 'sex', 'age_group']);
  });

  it('label each dimension, and its values from the right list', () => {
    expect(label('dimension', 'participant_category', 'en')).toBe("Participants' role");
    expect(label('dimension', 'what', 'fr')).toBe("Nature de l'aide");
    expect(label('dimension', 'age_group', 'fr')).toBe("Tranche d'âge");
    expect(label('dimension', 'partnerId', 'en')).toBe('Partner');
    expect(label('dimension', 'total', 'fr')).toBe('Total');
    expect(Object.keys(VALUE_SETS).sort()).toEqual(
      ['age_group', 'participant_category', 'partner_type', 'sex', 'topic', 'vulnerability', 'what'].sort(),
    );
    const value = (by: string, code: string) => label(VALUE_SETS[by]!, code, 'fr');
    expect(value('participant_category', 'cso_staff')).toBe('Personnel de la société civile');
    expect(value('what', 'hygiene_dignity_kit')).toBe("Kit d'hygiène et de dignité");
    expect(value('age_group', '60+')).toBe('60 ans et plus');
    expect(value('topic', 'border_management')).toBe('Gestion des frontières');
    expect(value('topic', 'added_by_admin')).toBe('added by admin');
  });
});

import { z } from 'zod';
import type { Localized } from './vocabulary.js';

/**
 * Catalogues of the frameworks a programme reports contributions to: Sustainable Development Goals (goals and the
 * targets this programme uses), the 23 objectives of the Global Compact for Safe, Orderly and Regular Migration,
 * and the specific objectives (OSP) of Morocco's National Strategy on Immigration and Asylum (SNIA).
 * Labels are short paraphrases written for Passerelle, in French and English.
 */

export const ALIGNMENT_FRAMEWORKS = ['sdg', 'gcm', 'snia'] as const;
export const AlignmentFramework = z.enum(ALIGNMENT_FRAMEWORKS);
export type AlignmentFramework = z.infer<typeof AlignmentFramework>;

/** A tag on a framework node or an indicator: `{framework: 'sdg', code: '10.7'}`, `{framework: 'gcm', code: '7'}`. */
export const Alignment = z.strictObject({
  framework: AlignmentFramework,
  code: z.string({ error: 'a code is text (quote it in YAML, e.g. "10.7")' }).trim().min(1).max(16),
});
export type Alignment = z.infer<typeof Alignment>;

export interface CatalogueEntry {
  code: string;
  label: Localized;
  /** For SDG targets: the goal they belong to. For SNIA: the strategy's programme group. */
  parent?: string;
}

const l = (en: string, fr: string): Localized => ({ en, fr });

const SDG_GOALS: CatalogueEntry[] = [
  l('End poverty', 'Éliminer la pauvreté'),
  l('End hunger', 'Éliminer la faim'),
  l('Health and well-being', 'Santé et bien-être'),
  l('Quality education', 'Éducation de qualité'),
  l('Gender equality', 'Égalité entre les sexes'),
  l('Clean water and sanitation', 'Eau propre et assainissement'),
  l('Clean and affordable energy', 'Énergie propre et abordable'),
  l('Decent work and economic growth', 'Travail décent et croissance économique'),
  l('Industry, innovation and infrastructure', 'Industrie, innovation et infrastructures'),
  l('Fewer inequalities', 'Réduire les inégalités'),
  l('Sustainable cities and communities', 'Villes et communautés durables'),
  l('Responsible consumption and production', 'Consommation et production responsables'),
  l('Climate action', 'Action pour le climat'),
  l('Life below water', 'Vie aquatique'),
  l('Life on land', 'Vie terrestre'),
  l('Peace, justice and strong institutions', 'Paix, justice et institutions solides'),
  l('Partnerships for the goals', 'Partenariats pour les objectifs'),
].map((label, i) => ({ code: String(i + 1), label }));

const SDG_TARGETS: CatalogueEntry[] = [
  {
    code: '10.7',
    parent: '10',
    label: l(
      'Orderly, safe and regular migration through well-run migration policies',
      'Une migration ordonnée, sûre et régulière grâce à des politiques migratoires bien conduites',
    ),
  },
  {
    code: '16.2',
    parent: '16',
    label: l(
      'No more abuse, exploitation, trafficking or violence against children',
      "Plus de maltraitance, d'exploitation, de traite ni de violence envers les enfants",
    ),
  },
  {
    code: '16.3',
    parent: '16',
    label: l(
      'Rule of law and equal access to justice for all',
      "État de droit et accès de tous à la justice dans l'égalité",
    ),
  },
  {
    code: '16.a',
    parent: '16',
    label: l(
      'Stronger national institutions, with international help, to prevent violence and crime',
      "Des institutions nationales renforcées, avec l'appui international, pour prévenir la violence et le crime",
    ),
  },
  {
    code: '17.9',
    parent: '17',
    label: l(
      'International support for targeted capacity building in developing countries',
      'Un appui international au renforcement ciblé des capacités des pays en développement',
    ),
  },
  {
    code: '17.17',
    parent: '17',
    label: l(
      'Effective partnerships between public bodies, the private sector and civil society',
      'Des partenariats efficaces entre pouvoirs publics, secteur privé et société civile',
    ),
  },
  {
    code: '17.18',
    parent: '17',
    label: l(
      'More capacity for reliable, timely data broken down by relevant characteristics',
      'Plus de capacités pour des données fiables, à jour et ventilées',
    ),
  },
];

const GCM_OBJECTIVES: CatalogueEntry[] = [
  l('Better migration data as a basis for policy', 'De meilleures données migratoires pour fonder les politiques'),
  l('Reduce the adverse factors that force people to leave', 'Réduire les facteurs négatifs qui obligent à partir'),
  l('Accurate information at every stage of migration', 'Une information exacte à chaque étape de la migration'),
  l('Legal identity and documents for every migrant', 'Identité juridique et documents pour chaque migrant'),
  l('More, and more flexible, regular pathways', 'Des voies régulières plus nombreuses et plus souples'),
  l('Fair recruitment and decent work', 'Recrutement équitable et travail décent'),
  l("Reduce migrants' vulnerabilities", 'Réduire les vulnérabilités des migrants'),
  l('Save lives and look for missing migrants', 'Sauver des vies et rechercher les migrants disparus'),
  l('A stronger response to migrant smuggling', 'Une riposte renforcée au trafic illicite de migrants'),
  l('Prevent and end trafficking in persons', 'Prévenir et faire cesser la traite des personnes'),
  l('Coordinated, safe and integrated border management', 'Une gestion des frontières coordonnée, sûre et intégrée'),
  l(
    'Predictable screening, assessment and referral procedures',
    "Des procédures prévisibles de contrôle, d'évaluation et d'orientation",
  ),
  l(
    'Detention only as a last resort, and alternatives to it',
    'La rétention en dernier recours seulement, et ses alternatives',
  ),
  l('Better consular protection and assistance', 'Une protection et une assistance consulaires renforcées'),
  l('Access to basic services', 'Accès aux services de base'),
  l('Inclusion and social cohesion', 'Inclusion et cohésion sociale'),
  l(
    'End discrimination; public debate grounded in facts',
    'Mettre fin à la discrimination ; un débat public fondé sur les faits',
  ),
  l('Build skills and recognise qualifications', 'Développer les compétences et reconnaître les qualifications'),
  l(
    'Migrants and diasporas contributing to development',
    'La contribution des migrants et des diasporas au développement',
  ),
  l('Cheaper, faster and safer remittances', 'Des transferts de fonds moins chers, plus rapides et plus sûrs'),
  l(
    'Dignified return and readmission, lasting reintegration',
    'Retour et réadmission dans la dignité, réintégration durable',
  ),
  l('Portable social protection rights', 'Des droits à la protection sociale transférables'),
  l(
    'Stronger international cooperation and partnerships',
    'Une coopération et des partenariats internationaux renforcés',
  ),
].map((label, i) => ({ code: String(i + 1), label }));

const SNIA_GROUPS = {
  flows: l('Flow management and counter-trafficking', 'Gestion des flux et lutte contre la traite'),
  cooperation: l('International cooperation and partnerships', 'Coopération internationale et partenariats'),
  governance: l('Governance and communication', 'Gouvernance et communication'),
};

const SNIA_OSPS: CatalogueEntry[] = [
  {
    code: '15',
    parent: 'flows',
    label: l(
      'Humane, rights-based management of migration flows',
      'Une gestion humaine des flux migratoires, dans le respect des droits',
    ),
  },
  {
    code: '16',
    parent: 'flows',
    label: l(
      'Combat human trafficking and smuggling networks',
      'Combattre la traite des êtres humains et les réseaux de passeurs',
    ),
  },
  {
    code: '17',
    parent: 'cooperation',
    label: l(
      'International cooperation based on shared responsibility',
      'Une coopération internationale fondée sur la responsabilité partagée',
    ),
  },
  {
    code: '26',
    parent: 'governance',
    label: l(
      'Stronger capacities of the actors of immigration, asylum and counter-trafficking',
      "Des acteurs de l'immigration, de l'asile et de la lutte contre la traite mieux outillés",
    ),
  },
  {
    code: '27',
    parent: 'governance',
    label: l(
      'Inform the public and raise awareness about immigration and asylum',
      "Informer et sensibiliser sur l'immigration et l'asile",
    ),
  },
];

/** Each framework's entries, and the countries it applies to (undefined: every country). */
export const ALIGNMENT_CATALOGUES: Record<
  AlignmentFramework,
  { label: Localized; entries: CatalogueEntry[]; countries?: readonly string[]; groups?: Record<string, Localized> }
> = {
  sdg: {
    label: l('Sustainable Development Goals', 'Objectifs de développement durable'),
    entries: [...SDG_GOALS, ...SDG_TARGETS],
  },
  gcm: {
    label: l(
      'Global Compact for Safe, Orderly and Regular Migration',
      'Pacte mondial pour des migrations sûres, ordonnées et régulières',
    ),
    entries: GCM_OBJECTIVES,
  },
  snia: {
    label: l(
      'National Strategy on Immigration and Asylum (Morocco), specific objectives',
      "Stratégie nationale d'immigration et d'asile (Maroc), objectifs spécifiques",
    ),
    entries: SNIA_OSPS,
    countries: ['MA'],
    groups: SNIA_GROUPS,
  },
};

/** The catalogue entry of a tag, or undefined when the tag is not in the catalogues. */
export function alignmentEntry(tag: Alignment): CatalogueEntry | undefined {
  return ALIGNMENT_CATALOGUES[tag.framework].entries.find((e) => e.code === tag.code);
}

/** Why a tag is refused for a framework of this country, or undefined when it is valid. */
export function alignmentProblem(tag: Alignment, country?: string): string | undefined {
  const catalogue = ALIGNMENT_CATALOGUES[tag.framework];
  if (!alignmentEntry(tag))
    return `${tag.framework} ${tag.code} is not in the catalogue; valid codes: ${catalogue.entries.map((e) => e.code).join(', ')}`;
  if (country && catalogue.countries && !catalogue.countries.includes(country))
    return `${tag.framework} applies to ${catalogue.countries.join(', ')} only, not ${country}`;
  return undefined;
}

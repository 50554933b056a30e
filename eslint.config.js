import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The disclosure layer's import rules, used by the routes' and the reports' blocks below.
const noMongo = {
  name: 'mongodb',
  allowTypeImports: true,
  message: 'reports read through query/ (figures.ts, reference.ts), which publish every number',
};
const rawTallies = {
  group: ['**/query/read.js', '**/query/tally.js', '**/query/protection.js', '**/query/fact-cache.js'],
  message: 'raw facts and tallies stay inside query/: use figure() or reference.ts',
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // The reporting API's one disclosure layer, by construction: routes and reports get published figures and
    // reference data from services/projection/src/query/, never a collection, a raw read or an unpublished tally.
    files: ['services/projection/src/reports/**/*.ts', 'services/projection/src/app.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noMongo],
          patterns: [rawTallies],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.property.name=/^(find|findOne|aggregate|countDocuments|distinct|estimatedDocumentCount)$/][callee.object.name=/[Ff]acts$/]',
          message: 'no reads of the read model outside query/',
        },
        {
          selector:
            'CallExpression[callee.property.name=/^(find|findOne|aggregate|countDocuments|distinct|estimatedDocumentCount)$/][callee.object.property.name=/[Ff]acts$/]',
          message: 'no reads of the read model outside query/',
        },
      ],
    },
  },
  {
    // Reports keep the rules above (a later block replaces a rule's options), and never reach the model's writer.
    files: ['services/projection/src/reports/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noMongo],
          patterns: [
            rawTallies,
            {
              group: ['**/apply/*'],
              allowTypeImports: true,
              message: "reports read through query/, never through the model's writer (apply/)",
            },
          ],
        },
      ],
    },
  },
  // The projection's folders show the flow, and its arrows point one way: facts/ (pure event → facts) ← apply/ (the
  // engine writing them) ← query/ (the one way to read them) ← reports/. A folder never imports one above it.
  ...[
    ['facts', ['**/apply/*', '**/query/*', '**/reports/*', '**/app.js', '**/main.js']],
    ['apply', ['**/query/*', '**/reports/*', '**/app.js', '**/main.js']],
    ['query', ['**/reports/*', '**/app.js', '**/main.js']],
  ].map(([folder, above]) => ({
    files: [`services/projection/src/${folder}/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: above, message: `${folder}/ never imports a layer above it (facts ← apply ← query ← reports)` },
          ],
        },
      ],
    },
  })),
  {
    files: ['**/*.test.ts', '**/cli/**', '**/bench/**', '**/examples/**', 'infra/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-console': 'off' },
  },
);

// Architecture and correctness in lint: Nx module boundaries (apps never import apps, libs never
// import apps, no deep imports into a library), no floating promises, no focused or skipped tests.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const focusedOrSkipped = ['describe', 'it', 'test'].flatMap((object) =>
  ['only', 'skip'].map((property) => ({
    object,
    property,
    message: 'Committed tests are never focused or skipped.',
  })),
);

const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:test', onlyDependOnLibsWithTags: ['scope:shared', 'scope:test'] },
  { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared', 'scope:test'] },
];

const boundaries = (constraints) => ({
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: constraints,
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'dist/**',
      '.cache/**',
      '.nx/**',
      'tools/node24/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', ...focusedOrSkipped],
      'no-restricted-globals': ['error', 'fdescribe', 'fit', 'xdescribe', 'xit', 'xtest'],
      '@nx/enforce-module-boundaries': ['error', boundaries(depConstraints)],
    },
  },
  {
    // Tests anywhere may use the test helpers (libs/testing); production code never does.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        boundaries(
          depConstraints.map((c) =>
            c.sourceTag.startsWith('scope:')
              ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'scope:test'] }
              : c,
          ),
        ),
      ],
    },
  },
);

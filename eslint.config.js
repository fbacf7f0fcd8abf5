// The lint gate (`npm run check`): typescript-eslint's recommended rules for every TypeScript file, the
// Astro plugin for .astro files, and the lab boundary: code inside a lab (labs/<id>/…) may import only
// Node built-ins, '#kit' and files of its own lab, because it is copied into a workspace that holds nothing else.
import js from '@eslint/js';
import astro from 'eslint-plugin-astro';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const labBoundary = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          regex: '^(?!node:|#kit$|\\.{1,2}/)',
          message: "Lab code imports only 'node:' built-ins, '#kit' and files of its own lab.",
        },
        {
          regex: '^(\\.\\./){3,}',
          message: "Lab code imports only 'node:' built-ins, '#kit' and files of its own lab.",
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.astro/', 'test-results/', 'labs/*/fixtures/', 'labs/*/vendor/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...astro.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // the kit and tests talk to V8 and child processes whose shapes are not typed
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // what runs inside a lab workspace; generator/ runs at build time and vendor/ declares bundled packages
    files: ['labs/*/{starter,solution,variants}/**/*.ts', 'labs/*/checks/**/*.ts', 'labs/*/scenarios.ts'],
    rules: labBoundary,
  },
);

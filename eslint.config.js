// Type-aware lint over every runtime. The import bans make the layering of docs/design.md checkable:
// only main/usb may touch the `usb` package, only main/electron may touch `electron`, the renderer
// reaches nothing of Node or main/, shared/ reaches neither side.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const bannedElectron = {
  name: 'electron',
  message: 'Only main/electron may import electron (docs/design.md): pass services in through constructors.',
};
const bannedUsb = {
  name: 'usb',
  message: 'Only main/usb may import the usb package: talk to the UsbBus / UsbTransport interfaces instead.',
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'release/**', 'test-output/**', 'bench/results*', '.cache/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            '*.mjs',
            'vitest.config.ts',
            'vite.config.ts',
            'scripts/*.mjs',
            'bin/*.js',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [bannedElectron, bannedUsb] }],
    },
  },
  {
    files: ['main/usb/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [bannedElectron] }] },
  },
  {
    files: ['main/electron/**/*.ts', 'main/electron/**/*.cts'],
    rules: { 'no-restricted-imports': ['error', { paths: [bannedUsb] }] },
  },
  {
    // The sandboxed preload must be CommonJS; `import x = require()` is how TypeScript writes that.
    files: ['main/electron/preload.cts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['main/sim/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [bannedElectron, bannedUsb],
          patterns: [
            {
              group: ['**/dfu/**', '**/stm32mp/**', '**/flash/**', '**/layout/**'],
              message:
                'The simulator is written from the protocol document, never from the host code, so the two cannot share a misunderstanding.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [bannedElectron, bannedUsb],
          patterns: [
            {
              group: ['node:*', '**/main/**', '**/renderer/**'],
              message: 'shared/ is plain TypeScript for both sides.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [bannedElectron, bannedUsb],
          patterns: [
            { group: ['node:*', '**/main/**'], message: 'The renderer never reaches Node or main/.' },
          ],
        },
      ],
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);

import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layersRule } from './eslint-rules/layers.js';

const electronOnly = ['electron', 'electron-log', 'electron-updater'];

// Most specific folder first: a file belongs to the first layer whose folder starts its path.
const layers = [
  {
    name: 'agent-core/protocol',
    folder: 'agent-core/protocol/',
    layers: [],
    packages: ['zod'],
    nodeBuiltins: false,
    rule: 'agent-core/protocol imports zod and its own files only',
  },
  {
    name: 'agent-core/cli',
    folder: 'agent-core/cli/',
    layers: ['agent-core/protocol', 'agent-core', 'agent-core/store'],
    packages: ['*'],
    forbiddenPackages: [...electronOnly, 'better-sqlite3'],
    nodeBuiltins: true,
    rule: 'the CLI sits on top of agent-core: it runs as plain Node, reaches the database through agent-core/store, and nothing else in agent-core imports it',
  },
  {
    name: 'agent-core/store',
    folder: 'agent-core/store/',
    layers: ['agent-core/protocol', 'agent-core'],
    packages: ['*'],
    forbiddenPackages: electronOnly,
    nodeBuiltins: true,
    rule: 'agent-core/store runs as plain Node too, so it never imports electron, main/ or renderer/',
  },
  {
    name: 'agent-core',
    folder: 'agent-core/',
    layers: ['agent-core/protocol', 'agent-core/store'],
    packages: ['*'],
    forbiddenPackages: [...electronOnly, 'better-sqlite3'],
    nodeBuiltins: true,
    rule: 'agent-core runs as plain Node too, so it never imports electron, main/ or renderer/; its SQL lives in agent-core/store/, behind the repositories',
  },
  {
    name: 'main',
    folder: 'main/',
    layers: ['agent-core/protocol'],
    packages: electronOnly,
    nodeBuiltins: true,
    rule: 'main imports electron, electron-log, electron-updater, Node and agent-core/protocol; the agent is reached through the local API',
  },
  {
    name: 'preload',
    folder: 'preload/',
    layers: ['agent-core/protocol'],
    packages: ['electron'],
    nodeBuiltins: false,
    rule: 'a sandboxed preload imports electron and agent-core/protocol only',
  },
  {
    name: 'renderer',
    folder: 'renderer/',
    layers: ['agent-core/protocol'],
    packages: ['react', 'react-dom', 'zustand', '@xterm/*', 'uplot'],
    nodeBuiltins: false,
    rule: 'renderer imports agent-core/protocol, react, react-dom, zustand, @xterm/*, uplot and its own files; it also runs in a plain browser',
  },
];

const noExtension = {
  regex: '^\\.{1,2}/.*\\.(?:[cm]?[jt]sx?)$',
  message: 'Relative imports carry no file extension (style.md).',
};

const noDefaultExport = [
  { selector: 'ExportDefaultDeclaration', message: 'Use a named export (style.md: no default exports).' },
  {
    selector: "ExportSpecifier[exported.name='default']",
    message: 'Use a named export (style.md: no default exports).',
  },
];

export default defineConfig(
  globalIgnores(['out/', 'dist/', '.tmp/', 'test-results/', 'playwright-report/', 'resources/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    ignores: ['renderer/**'],
    languageOptions: { globals: globals.node },
  },
  {
    plugins: { berth: { rules: { layers: layersRule } } },
    rules: {
      'berth/layers': ['error', { root: import.meta.dirname, layers }],
      'no-restricted-syntax': ['error', ...noDefaultExport],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noExtension] }] },
  },
  {
    // The agent reaches the database through the repositories only; databaseOf() is for tests.
    files: ['agent-core/**/*.ts'],
    ignores: ['agent-core/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noExtension,
            { regex: '/store/open-store$', message: "Import the store from 'store/' (its index): databaseOf() is for tests." },
          ],
        },
      ],
    },
  },
  {
    // Fixture apps and tools written as CommonJS on purpose.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.commonjs },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Tools load these by their default export.
    files: ['*.config.{js,mjs,ts}'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);

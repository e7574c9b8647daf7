// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const DRIVERS = [
  'better-sqlite3',
  'drizzle-orm/better-sqlite3',
  'drizzle-orm/d1',
  '@hono/node-server',
]

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-liffmock/**',
      '.wrangler/**',
      'data/**',
      'test-results/**',
      // ~1 MB of generated synonym data (npm run derive:synonyms).
      'server/src/domain/faq/sudachi-synonyms.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Drizzle builders are lazy: an un-awaited query silently does nothing.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setInterval: 'readonly' },
    },
  },
  {
    // shared/ is consumed by the server and the browser: it may import nothing of either.
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'hono',
                'hono/*',
                'drizzle-orm',
                'drizzle-orm/*',
                'preact',
                'preact/*',
                '@line/liff',
                '@line/liff/*',
                ...DRIVERS,
              ],
              message:
                'shared/ holds zod schemas and types only: no runtime, server or browser APIs.',
            },
            {
              group: ['**/server/**', '**/liff-app/**', '@joren/server', '@joren/liff-app'],
              message: 'shared/ may not import the apps.',
            },
          ],
        },
      ],
    },
  },
  {
    // The domain sees ports, never Hono, a driver or the database layer.
    files: ['server/src/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'hono', 'hono/*', 'drizzle-orm', 'drizzle-orm/*', ...DRIVERS],
              message: 'domain code is pure: use a port.',
            },
            {
              group: [
                '**/db/**',
                '**/routes/**',
                '**/line/**',
                '**/entry/**',
                '**/middleware/**',
                '**/compose/**',
                '../app.ts',
              ],
              message:
                'dependencies point inward: domain imports nothing outside domain/ and shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    // Routes and middleware handle HTTP: validate, call a service (c.var.services), map.
    files: ['server/src/routes/**', 'server/src/middleware/**', 'server/src/app.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...DRIVERS, '**/db/**', '**/line/**', '**/compose/**', '**/entry/**'],
              message: 'HTTP code reaches data and LINE through c.var.services only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['liff-app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '@joren/server'],
              message: 'the LIFF app talks to the server over HTTP only (import type is fine).',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
)

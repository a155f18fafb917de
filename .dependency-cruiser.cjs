/**
 * The dependency rule of docs/architecture.md: arrows point inward only, adapters never import each
 * other, and there are no cycles.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports nothing outside domain/.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/'] },
    },
    {
      name: 'ports-import-domain-only',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { pathNot: ['^src/(domain|ports)/'] },
    },
    {
      name: 'application-uses-domain-and-ports',
      comment: 'Use cases know ports, never adapters, the interface, config or frameworks.',
      severity: 'error',
      from: { path: '^src/application/' },
      to: {
        pathNot: [
          '^src/(domain|ports|application)/',
          // (^|/): node_modules may be a link to a shared install, resolved outside this folder.
          '(^|/)node_modules/(tsyringe|reflect-metadata)/',
          '^(node:)?(crypto|events|timers|util)$',
        ],
      },
    },
    {
      name: 'interface-never-imports-adapters',
      severity: 'error',
      from: { path: '^src/interface/' },
      to: { path: '^src/(adapters|composition-root|wiring)' },
    },
    {
      name: 'only-the-composition-root-uses-the-wiring',
      comment: 'Feature wiring modules are called by the composition root only; they use no one but shared infrastructure.',
      severity: 'error',
      from: { pathNot: '^src/(composition-root\\.ts$|wiring/)' },
      to: { path: '^src/wiring/' },
    },
    {
      name: 'adapters-do-not-import-each-other',
      comment:
        'A composite adapter is wired in the composition root, not by importing a sibling technology. adapters/http is the shared upstream HTTP plumbing (pool, retries, breaker).',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/', pathNot: ['^src/adapters/$1/', '^src/adapters/http/'] },
    },
    {
      name: 'adapters-never-import-interface-or-application-use-cases',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(interface|composition-root|main|wiring)' },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};

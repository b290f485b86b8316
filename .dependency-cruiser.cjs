/**
 * Import rules checked by `npm run deps` (dependency-cruiser), part of `npm run check`.
 * - no-circular: no import cycle made of runtime imports; a cycle that needs a type-only
 *   import (`import type`, or only `type` names) to close is erased by TypeScript and allowed.
 * - no-foreign-routes, routes-only-from-app: a domain's HTTP layer (routes.ts, *-routes.ts) is
 *   imported only by its own domain and by the composition files (functions/app.ts,
 *   functions/jobs-app.ts and the entries); other domains call its service.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Runtime import cycle: move the shared piece into a module both sides can import.',
      from: {},
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
    {
      name: 'no-foreign-routes',
      severity: 'error',
      comment: "A domain never imports another domain's routes; it calls that domain's service.",
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^functions/.+[/-]routes[.]ts$', pathNot: '^functions/$1/' },
    },
    {
      name: 'routes-only-from-app',
      severity: 'error',
      comment:
        "Outside the domains, only the two Workers' apps and entries (functions/app.ts, functions/jobs-app.ts, functions/index.ts, functions/jobs-index.ts) compose routers.",
      from: { pathNot: ['^functions/[^/]+/', '^functions/(jobs-)?(app|index)[.]ts$'] },
      to: { path: '^functions/.+[/-]routes[.]ts$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file.',
      from: {},
      to: { couldNotResolve: true, pathNot: ['^cloudflare:'] },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['^db/migrations/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};

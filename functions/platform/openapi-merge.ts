/** The parts of an OpenAPI 3.1 document that two Workers' documents are merged by. */
export interface OpenApiDocument {
  openapi: string;
  info: unknown;
  servers?: unknown[];
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  tags?: Array<{ name: string }>;
  [key: string]: unknown;
}

/**
 * One document from the edge Worker's and the jobs Worker's: every path and every operation
 * of both, components (schemas, parameters, security schemes) and tags united. The two
 * serve disjoint paths; a method both define for one path is a wiring error and throws,
 * rather than one silently hiding the other.
 */
export function mergeOpenApi(own: OpenApiDocument, other: OpenApiDocument): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = { ...own.paths };
  for (const [path, item] of Object.entries(other.paths ?? {})) {
    const mine = paths[path] ?? {};
    const clash = Object.keys(item).find((method) => method in mine);
    if (clash) throw new Error(`both Workers define ${clash.toUpperCase()} ${path}`);
    paths[path] = { ...mine, ...item };
  }
  const components: Record<string, Record<string, unknown>> = { ...own.components };
  for (const [kind, entries] of Object.entries(other.components ?? {})) {
    components[kind] = { ...entries, ...components[kind] };
  }
  const tags = [...(own.tags ?? [])];
  for (const tag of other.tags ?? []) {
    if (!tags.some((t) => t.name === tag.name)) tags.push(tag);
  }
  const merged: OpenApiDocument = { ...own, paths, components };
  if (tags.length > 0) merged.tags = tags;
  return merged;
}

import fc from 'fast-check';

/** The parts of an OpenAPI 3.1 document the contract test reads. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, unknown>;
  'x-webox-access'?: Access;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export type Access = 'public' | 'user' | 'admin' | 'webhook' | 'api-token';

export interface Op {
  method: string;
  path: string;
  operation: Operation;
  access: Access;
  /** The request body schema when the body is JSON. */
  jsonBody?: JsonSchema;
  pathParams: string[];
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
/** Unsigned callers that prove themselves with a signature instead of a session. */
const WEBHOOK_PATH = /^\/api\/(webhooks\/|jobs\/\{id\}\/step$|generation\/callbacks\/)/;

/**
 * Who may call an operation: the `x-webox-access` extension when the route builders wrote
 * it, else derived from `security` and the path, as the routes declared them before.
 */
export function accessOf(path: string, operation: Operation): Access {
  const declared = operation['x-webox-access'];
  if (declared) return declared;
  const schemes = (operation.security ?? []).flatMap((s) => Object.keys(s));
  if (schemes.includes('apiToken')) return 'api-token';
  if (WEBHOOK_PATH.test(path)) return 'webhook';
  const optional = (operation.security ?? []).some((s) => Object.keys(s).length === 0);
  if (!schemes.includes('bearerAuth') || optional) return 'public';
  return /^\/api\/admin(\/|\.|$)/.test(path) ? 'admin' : 'user';
}

/** Every operation of the document, in document order. */
export function operationsOf(doc: OpenApiDocument): Op[] {
  const ops: Op[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      ops.push({
        method: method.toUpperCase(),
        path,
        operation,
        access: accessOf(path, operation),
        jsonBody: operation.requestBody?.content['application/json']?.schema,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
      });
    }
  }
  return ops;
}

/** Resolves `$ref`s and `allOf` into one schema. */
export function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop() ?? '';
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return resolve(doc, target);
  }
  if (schema.allOf) {
    const merged: JsonSchema = { properties: {}, required: [] };
    for (const part of schema.allOf) {
      const r = resolve(doc, part);
      Object.assign(merged.properties as object, r.properties);
      merged.required?.push(...(r.required ?? []));
      merged.type ??= r.type;
    }
    return merged;
  }
  return schema;
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.properties) return ['object'];
  return [];
}

const FORMAT_SAMPLES: Record<string, string> = {
  uuid: '00000000-0000-4000-8000-000000000000',
  email: 'contract@example.com',
  uri: 'https://example.com/x',
  url: 'https://example.com/x',
  'date-time': '2030-01-01T00:00:00.000Z',
  date: '2030-01-01',
};

/**
 * A plausible valid value for a schema: examples, defaults, enums and bounds first, so the
 * hostile variants differ from an accepted body by one field.
 */
export function sampleOf(doc: OpenApiDocument, input: JsonSchema, depth = 0): unknown {
  const schema = resolve(doc, input);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt?.length) return sampleOf(doc, alt[0] as JsonSchema, depth);
  const type = typesOf(schema).find((t) => t !== 'null');
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) {
        const prop = schema.properties?.[key];
        if (prop && depth < 6) out[key] = sampleOf(doc, prop, depth + 1);
      }
      // An update schema with no required field still wants one ("send at least one").
      const first = Object.entries(schema.properties ?? {})[0];
      if (!Object.keys(out).length && first && depth < 6) {
        out[first[0]] = sampleOf(doc, first[1], depth + 1);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () =>
        schema.items ? sampleOf(doc, schema.items, depth + 1) : 'x',
      );
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.maximum !== undefined ? Math.min(1, schema.maximum) : 1);
    case 'boolean':
      return false;
    case 'string':
      return FORMAT_SAMPLES[schema.format ?? ''] ?? 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return null;
  }
}

function nested(levels: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** Values no well-behaved client sends: each must be refused with a 4xx, never a 5xx. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    0,
    -1,
    1e308,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    1.5,
    '',
    ' ',
    '\uD800',
    'a\uDFFFb',
    'nul\u0000byte',
    '\u0000',
    '../../etc/passwd',
    "' or 1=1 --",
    '<script>alert(1)</script>',
    '2030-13-45T99:99:99Z',
    'not-a-uuid',
    '00000000-0000-0000-0000-000000000000',
    [],
    {},
    [null],
    JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'),
  ),
  fc.constantFrom(200, 2000).map(nested),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => Number(n)),
);

/**
 * A hostile body for a request schema: the whole body replaced, one known field replaced,
 * unknown fields added, or a required field dropped.
 */
export function hostileBody(doc: OpenApiDocument, schema: JsonSchema): fc.Arbitrary<unknown> {
  const resolved = resolve(doc, schema);
  const base = sampleOf(doc, resolved);
  const keys = Object.keys(resolved.properties ?? {});
  const asObject = (typeof base === 'object' && base !== null ? base : {}) as Record<
    string,
    unknown
  >;
  const variants: fc.Arbitrary<unknown>[] = [
    hostileValue,
    fc
      .dictionary(fc.string({ maxLength: 12 }), hostileValue, { maxKeys: 4 })
      .map((extra) => ({ ...extra, ...asObject })),
  ];
  if (keys.length) {
    variants.push(
      fc
        .tuple(fc.constantFrom(...keys), hostileValue)
        .map(([key, value]) => ({ ...asObject, [key]: value })),
      fc.constantFrom(...keys).map((key) => {
        const { [key]: _dropped, ...rest } = asObject;
        return rest;
      }),
    );
  }
  return fc.oneof(...variants);
}

/** Runs `tasks` at most `width` at a time. */
export async function inBatches<T>(tasks: Array<() => Promise<T>>, width = 6): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}

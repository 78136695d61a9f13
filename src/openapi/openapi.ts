// OpenAPI 3.1 documents of the API and of the admin API, built from their operation tables and the
// same JSON Schema documents the validator compiles (OpenAPI 3.1 speaks JSON Schema 2020-12, so
// they go in as they are).
import type { AdminOperation } from '../admin/operations.js';
import { servedPaths, type Operation, type ResourceModule } from '../api/resource.js';
import { ERROR_CATALOGUE } from '../errors.js';
import { readSchema, schemaIds, type JsonSchema } from '../validation/schemas.js';
import { packageVersion } from '../version.js';

type Json = Record<string, unknown>;

/** Each schema's component name: its title. */
function componentNames(): Map<string, string> {
  return new Map(schemaIds().map((id) => [id, String(readSchema(id).title)]));
}

/** A schema file's content as a component: cross-file `$ref`s point into components. */
function toComponent(schema: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toComponent(item, names));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === '$ref' && typeof value === 'string') {
      const [file = '', pointer = ''] = value.split('#');
      out.$ref = `#/components/schemas/${names.get(file) ?? file}${pointer}`;
      continue;
    }
    out[key] = toComponent(value, names);
  }
  return out;
}

function schemaComponents(): Json {
  const names = componentNames();
  return Object.fromEntries(schemaIds().map((id) => [names.get(id), toComponent(readSchema(id), names)]));
}

const ref = (id: string): Json => ({ $ref: `#/components/schemas/${String(readSchema(id).title)}` });
const json = (schema: Json, description: string, headers?: Json): Json => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema } },
});

function errorResponse(kind: keyof typeof ERROR_CATALOGUE): Json {
  const entry = ERROR_CATALOGUE[kind];
  return {
    description: entry.message,
    content: {
      'application/json': {
        schema: ref('error.schema.json'),
        example: { code: entry.code, message: entry.message, statusCode: entry.status },
      },
    },
  };
}

/** Query parameters from the properties of a query schema. */
function queryParameters(id: string): Json[] {
  const properties = readSchema(id).properties ?? {};
  return Object.entries(properties).map(([name, schema]: [string, JsonSchema]) => ({
    name,
    in: 'query',
    required: false,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema: toComponent(schema, componentNames()),
  }));
}

/** A path template in OpenAPI's syntax: `/clients/:id` is `/clients/{id}`. */
function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
}

/** The component name of a page of records: `ClientList` for `Client`. */
function pageName(recordSchema: string): string {
  return `${String(readSchema(recordSchema).title)}List`;
}

function pageComponent(recordSchema: string): Json {
  return {
    type: 'object',
    properties: {
      data: { type: 'array', items: ref(recordSchema) },
      pagination: {
        type: 'object',
        properties: {
          page: { type: 'integer' },
          limit: { type: 'integer' },
          total: { type: 'integer' },
          totalPages: { type: 'integer' },
          hasNext: { type: 'boolean' },
          hasPrev: { type: 'boolean' },
        },
        required: ['page', 'limit', 'total', 'totalPages', 'hasNext', 'hasPrev'],
      },
    },
    required: ['data', 'pagination'],
  };
}

const RATE_HEADERS = {
  'X-RateLimit-Limit': { $ref: '#/components/headers/X-RateLimit-Limit' },
  'X-RateLimit-Remaining': { $ref: '#/components/headers/X-RateLimit-Remaining' },
};

function operationObject(operation: Operation<unknown>): Json {
  const parameters = [...pathParameters(operation.path), ...(operation.query === undefined ? [] : queryParameters(operation.query))];
  const response = operation.response;
  const schema = 'record' in response ? ref(response.record) : { $ref: `#/components/schemas/${pageName(response.page)}` };
  const headers =
    operation.status === 201
      ? { ...RATE_HEADERS, Location: { description: 'Path of the new record', schema: { type: 'string' } } }
      : RATE_HEADERS;
  return {
    operationId: operation.id,
    summary: operation.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: ref(operation.body) } } } }),
    responses: {
      [String(operation.status)]: json(schema, operation.summary, headers),
      '401': { $ref: '#/components/responses/Unauthorized' },
      '429': { $ref: '#/components/responses/RateLimited' },
      ...(operation.body !== undefined || operation.query !== undefined
        ? { '422': { $ref: '#/components/responses/ValidationError' } }
        : {}),
      ...(pathParameters(operation.path).length > 0 ? { '404': { $ref: '#/components/responses/NotFound' } } : {}),
    },
  };
}

const apiDocuments = new WeakMap<readonly ResourceModule[], Json>();

/**
 * The OpenAPI document of the API the fake serves (`GET /openapi.json`), from the resources'
 * operation tables; made once per resource list.
 *
 * @example
 * const doc = apiOpenApi(RESOURCES); // doc.paths['/clients'].post
 */
export function apiOpenApi(resources: readonly ResourceModule[]): Json {
  const known = apiDocuments.get(resources);
  if (known !== undefined) return known;
  const paths: Record<string, Json> = {};
  const pages: Record<string, Json> = {};
  for (const resource of resources) {
    for (const operation of resource.operations as readonly Operation<unknown>[]) {
      const [canonical, ...aliases] = servedPaths(resource, operation.path).map(openApiPath);
      const method = operation.method.toLowerCase();
      const object = operationObject(operation);
      paths[canonical as string] = { ...paths[canonical as string], [method]: object };
      // An alias answers the same: documented once more, without a second operationId.
      const { operationId: _id, ...aliased } = object as Record<string, unknown>;
      for (const alias of aliases) paths[alias] = { ...paths[alias], [method]: { ...aliased, description: `Same as ${canonical}.` } };
      if ('page' in operation.response) pages[pageName(operation.response.page)] = pageComponent(operation.response.page);
    }
  }
  const document: Json = {
    openapi: '3.1.0',
    info: {
      title: 'Athenty API (athenty-fake)',
      version: packageVersion(),
      description: `The ${resources
        .filter((r) => r.operations.length > 0)
        .map((r) => r.name)
        .join(', ')} endpoints of the Athenty REST API v2 as athenty-fake serves them, at the root and under /v2/api.`,
    },
    servers: [{ url: '/v2/api' }, { url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } },
      headers: {
        'X-RateLimit-Limit': { description: 'Requests allowed per window', schema: { type: 'integer' } },
        'X-RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer' } },
        'Retry-After': { description: 'Seconds until the rate-limit window resets', schema: { type: 'integer' } },
      },
      responses: {
        Unauthorized: errorResponse('UNAUTHORIZED'),
        NotFound: errorResponse('NOT_FOUND'),
        ValidationError: errorResponse('VALIDATION_ERROR'),
        RateLimited: {
          ...errorResponse('RATE_LIMITED'),
          headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' }, ...RATE_HEADERS },
        },
      },
      schemas: { ...schemaComponents(), ...pages },
    },
  };
  apiDocuments.set(resources, document);
  return document;
}

/**
 * The OpenAPI document of the admin API (`GET /__admin/openapi.json`), from its operation table.
 *
 * @example
 * adminOpenApi(flattenAdminOperations(ADMIN_OPERATIONS));
 */
// biome-ignore lint/suspicious/noExplicitAny: the table holds operations of every type.
export function adminOpenApi(operations: readonly [string, AdminOperation<any, any, any, any>][]): Json {
  const paths: Record<string, Json> = {};
  for (const [, operation] of operations) {
    const queryParams =
      operation.querySchema === undefined
        ? []
        : operation.querySchema === 'orgId'
          ? [{ name: 'orgId', in: 'query', required: false, description: 'Only this organisation', schema: { type: 'string' } }]
          : queryParameters(operation.querySchema);
    const parameters = [...pathParameters(operation.path), ...queryParams];
    const status = String(operation.status ?? 200);
    const object = {
      summary: operation.summary,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(operation.bodySchema
        ? { requestBody: { required: true, content: { 'application/json': { schema: ref(operation.bodySchema) } } } }
        : {}),
      responses: {
        [status]: status === '204' ? { description: 'Done' } : { description: 'OK', content: { 'application/json': {} } },
        '401': {
          description: 'Missing or wrong admin token (only with --admin-token)',
          content: { 'application/json': { schema: ref('error.schema.json') } },
        },
        ...(operation.bodySchema || operation.querySchema
          ? { '422': { description: 'Invalid input', content: { 'application/json': { schema: ref('error.schema.json') } } } }
          : {}),
      },
    };
    const method = operation.method.toLowerCase();
    for (const [path, deprecated] of [
      [operation.path, false],
      ...(operation.deprecatedPaths ?? []).map((p) => [p, true] as const),
    ] as const) {
      const key = `/__admin${openApiPath(path)}`;
      paths[key] = { ...paths[key], [method]: deprecated ? { ...object, deprecated: true } : object };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'athenty-fake admin API',
      version: packageVersion(),
      description: 'Reset, request journal, fault rules, clock and state of an athenty-fake server. Never needs an API key.',
    },
    security: [{}, { adminToken: [] }],
    paths,
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'The --admin-token, when one is set' } },
      schemas: schemaComponents(),
    },
  };
}

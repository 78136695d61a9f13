// OpenAPI 3.1 documents of the clients API and of the admin API, built from the same JSON Schema
// files the validator compiles (OpenAPI 3.1 speaks JSON Schema 2020-12, so they go in as they are).
import type { AdminRoute } from '../admin/routes.js';
import { ERROR_CATALOGUE } from '../errors.js';
import { readSchema, SCHEMA_FILES, type JsonSchema, type SchemaFile } from '../validation/schemas.js';
import { packageVersion } from '../version.js';

type Json = Record<string, unknown>;

/** Each schema file's component name: its title. */
function componentNames(): Map<string, string> {
  return new Map(SCHEMA_FILES.map((file) => [file, String(readSchema(file).title)]));
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
  return Object.fromEntries(SCHEMA_FILES.map((file) => [names.get(file), toComponent(readSchema(file), names)]));
}

const ref = (file: SchemaFile): Json => ({ $ref: `#/components/schemas/${String(readSchema(file).title)}` });
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
function queryParameters(file: SchemaFile): Json[] {
  const properties = readSchema(file).properties ?? {};
  return Object.entries(properties).map(([name, schema]: [string, JsonSchema]) => ({
    name,
    in: 'query',
    required: false,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema: toComponent(schema, componentNames()),
  }));
}

let clientsDocument: Json | undefined;

/**
 * The OpenAPI document of the clients API the fake serves (`GET /openapi.json`).
 *
 * @example
 * const doc = clientsOpenApi(); // doc.paths['/clients'].post
 */
export function clientsOpenApi(): Json {
  if (clientsDocument !== undefined) return clientsDocument;
  const rateHeaders = {
    'X-RateLimit-Limit': { $ref: '#/components/headers/X-RateLimit-Limit' },
    'X-RateLimit-Remaining': { $ref: '#/components/headers/X-RateLimit-Remaining' },
  };
  const common = {
    '401': { $ref: '#/components/responses/Unauthorized' },
    '429': { $ref: '#/components/responses/RateLimited' },
  };
  clientsDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Athenty API (athenty-fake)',
      version: packageVersion(),
      description:
        'The clients endpoints of the Athenty REST API v2 as athenty-fake serves them, at the root and under /v2/api.',
    },
    servers: [{ url: '/v2/api' }, { url: '/' }],
    security: [{ apiKey: [] }],
    paths: {
      '/clients': {
        post: {
          operationId: 'createClient',
          summary: 'Create a client record',
          requestBody: { required: true, content: { 'application/json': { schema: ref('client-create.schema.json') } } },
          responses: {
            '201': json(ref('client.schema.json'), 'Client created', {
              ...rateHeaders,
              Location: { description: 'Path of the new client', schema: { type: 'string' } },
            }),
            ...common,
            '422': { $ref: '#/components/responses/ValidationError' },
          },
        },
        get: {
          operationId: 'listClients',
          summary: 'List clients',
          parameters: queryParameters('client-list-query.schema.json'),
          responses: {
            '200': json({ $ref: '#/components/schemas/ClientList' }, 'A page of clients', rateHeaders),
            ...common,
            '422': { $ref: '#/components/responses/ValidationError' },
          },
        },
      },
      '/clients/{id}': {
        get: {
          operationId: 'getClient',
          summary: 'Get a client',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': json(ref('client.schema.json'), 'The client', rateHeaders),
            ...common,
            '404': { $ref: '#/components/responses/NotFound' },
          },
        },
      },
    },
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
        RateLimited: { ...errorResponse('RATE_LIMITED'), headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' }, ...rateHeaders } },
      },
      schemas: {
        ...schemaComponents(),
        ClientList: {
          type: 'object',
          properties: {
            data: { type: 'array', items: ref('client.schema.json') },
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
        },
      },
    },
  };
  return clientsDocument;
}

/**
 * The OpenAPI document of the admin API (`GET /__admin/openapi.json`), from its route table.
 *
 * @example
 * adminOpenApi(adminRoutes(controls));
 */
export function adminOpenApi(routes: readonly AdminRoute[]): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = `/__admin${route.path.replace(/:(\w+)/g, '{$1}')}`;
    const pathParameters = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams =
      route.query === undefined
        ? []
        : route.query === 'orgId'
          ? [{ name: 'orgId', in: 'query', required: false, description: 'Only this organisation', schema: { type: 'string' } }]
          : queryParameters(route.query);
    const status = String(route.status ?? 200);
    paths[path] = {
      ...paths[path],
      [route.method]: {
        summary: route.summary,
        ...(pathParameters.length + queryParams.length > 0 ? { parameters: [...pathParameters, ...queryParams] } : {}),
        ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(route.body) } } } } : {}),
        responses: {
          [status]: status === '204' ? { description: 'Done' } : { description: 'OK', content: { 'application/json': {} } },
          '401': { description: 'Missing or wrong admin token (only with --admin-token)', content: { 'application/json': { schema: ref('error.schema.json') } } },
          ...(route.body || route.query ? { '422': { description: 'Invalid input', content: { 'application/json': { schema: ref('error.schema.json') } } } } : {}),
        },
      },
    };
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

// OpenAPI 3.1 documents of the API and of the admin API, built from their operation tables and the
// same JSON Schema documents the validator compiles (OpenAPI 3.1 speaks JSON Schema 2020-12, so
// they go in as they are).
import type { AdminOperation } from '../admin/operations.js';
import { servedPaths, type Operation, type ResourceModule } from '../api/resource.js';
import { ApiError, DOCUMENTED_ERRORS, ERROR_CATALOGUE, type ErrorKind } from '../errors.js';
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

/** A catalogue code as a component name: `BAD_REQUEST` is `BadRequest`. */
function pascalOf(code: string): string {
  return code
    .toLowerCase()
    .split(/[_-]/)
    .map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join('');
}

/**
 * The catalogue entries the API answers `status` with: a documented status has its documented
 * body only (the admin API's own 401 is not the API's); another, every entry of that status.
 */
function kindsAnswering(status: number): ErrorKind[] {
  const all = (Object.keys(ERROR_CATALOGUE) as ErrorKind[]).filter((kind) => ERROR_CATALOGUE[kind].status === status);
  const documented = all.filter((kind) => DOCUMENTED_ERRORS.includes(kind));
  return documented.length > 0 ? documented : all;
}

/** The component names of the error answer of `status`: the response's, and its body schema's. */
function errorNamesOf(status: number): { response: string; schema: string } {
  const response = pascalOf(ERROR_CATALOGUE[kindsAnswering(status)[0] as ErrorKind].code);
  return { response, schema: response.endsWith('Error') ? response : `${response}Error` };
}

/** Where the `errors` list of a 422 is described: in the envelope's schema file. */
const FIELD_ERRORS_REF = (): string => `${ref('error.schema.json').$ref}/properties/errors`;

/**
 * The exact body of the error answer of `status`, from the catalogue: code, message and status are
 * constants when one entry answers it; where several do (400: malformed JSON, too deep, ...), the
 * messages are examples, as a 400 says which problem it is.
 */
function errorBodySchema(status: number): Json {
  const kinds = kindsAnswering(status);
  const entries = kinds.map((kind) => ERROR_CATALOGUE[kind]);
  const codes = [...new Set(entries.map((entry) => entry.code))];
  const messages = [...new Set<string>(entries.map((entry) => entry.message))];
  const documented = kinds.every((kind) => DOCUMENTED_ERRORS.includes(kind));
  const withErrors = kinds.includes('VALIDATION_ERROR');
  return {
    type: 'object',
    description: documented ? `The documented ${status} body, word for word.` : `The fake's ${status} body, in the documented envelope.`,
    properties: {
      code: codes.length === 1 ? { const: codes[0] } : { enum: codes },
      message: kinds.length === 1 ? { const: messages[0] } : { type: 'string', examples: messages },
      statusCode: { const: status },
      ...(withErrors ? { errors: { $ref: FIELD_ERRORS_REF() } } : {}),
    },
    required: ['code', 'message', 'statusCode', ...(withErrors ? ['errors'] : [])],
    additionalProperties: false,
  };
}

/** The rate-limit headers, as components (`required` is added where an answer always has them). */
const RATE_HEADER_DEFINITIONS: Record<string, Json> = {
  'X-RateLimit-Limit': { description: 'Requests allowed per window (0: the key is not limited)', schema: { type: 'integer', minimum: 0 } },
  'X-RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer', minimum: 0 } },
  'Retry-After': { description: 'Seconds until the rate-limit window resets', schema: { type: 'integer', minimum: 1 } },
};

/** The error answer of `status` as a response component: its exact body, and for 429 its required headers. */
function errorResponse(status: number): Json {
  const [kind] = kindsAnswering(status) as [ErrorKind];
  const example = new ApiError(
    kind,
    kind === 'VALIDATION_ERROR' ? { errors: [{ field: 'email', message: 'Invalid email' }] } : {},
  ).toEnvelope();
  return {
    description: ERROR_CATALOGUE[kind].message,
    ...(status === 429
      ? {
          headers: Object.fromEntries(
            Object.entries(RATE_HEADER_DEFINITIONS).map(([name, header]) => [name, { ...header, required: true }]),
          ),
        }
      : {}),
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${errorNamesOf(status).schema}` }, example } },
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

/** The rate-limit headers of a success: sent to a limited key, so not required. */
const RATE_HEADERS = {
  'X-RateLimit-Limit': { $ref: '#/components/headers/X-RateLimit-Limit' },
  'X-RateLimit-Remaining': { $ref: '#/components/headers/X-RateLimit-Remaining' },
};

/**
 * The error statuses an operation can answer: 401, 402, 403 and 429 every one; 404 with a path
 * parameter; 422 with a body or query to check; 400, 413 and 415 with a body to read.
 */
function errorStatusesOf(operation: Operation<unknown>): number[] {
  const statuses = new Set([401, 402, 403, 429]);
  if (pathParameters(operation.path).length > 0) statuses.add(404);
  if (operation.body !== undefined || operation.query !== undefined) statuses.add(422);
  if (operation.body !== undefined) for (const status of [400, 413, 415]) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
}

/** A resource's tag: its name as a title (`clients` is `Clients`). */
function tagOf(resource: ResourceModule): string {
  return pascalOf(resource.name);
}

function operationObject(resource: ResourceModule, operation: Operation<unknown>): Json {
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
    tags: [tagOf(resource)],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: ref(operation.body) } } } }),
    responses: {
      [String(operation.status)]: json(schema, operation.summary, headers),
      ...Object.fromEntries(
        errorStatusesOf(operation).map((status) => [String(status), { $ref: `#/components/responses/${errorNamesOf(status).response}` }]),
      ),
    },
  };
}

/** What the fake serves beyond the real document, said in the document itself (`x-athenty-fake`). */
function fakeAdditions(resources: readonly ResourceModule[]): string[] {
  const aliases = resources.flatMap((resource) =>
    Object.entries(resource.pathAliases ?? {}).map(([alias, segment]) => `${alias} answers as ${segment} (described as "Same as ...").`),
  );
  return [
    'Every path is served both at the root and under /v2/api (the real base path): see servers.',
    ...aliases,
    'On operations with a body: 400 (malformed or too deeply nested JSON), 413 (a body over --body-limit) and 415 (a body that is not JSON), in the documented envelope. Any operation answers 400 to a path that is not valid URL encoding and to an unsupported Prefer: code=.',
    'X-RateLimit-Limit and X-RateLimit-Remaining on every answer to a rate-limited key; every 429 carries them with Retry-After.',
    'Failure injection: magic keys, Prefer: code=NNN and fault rules force the documented errors exactly as the real API sends them.',
    'The test controls of the admin API (/__admin, described at /__admin/openapi.json), which the real API does not have.',
  ];
}

const apiDocuments = new WeakMap<readonly ResourceModule[], Json>();

/**
 * The OpenAPI document of the API the fake serves (`GET /openapi.json`), from the resources'
 * operation tables and the error catalogue, in the shape of the real "Athenty API" 2.0.0
 * document, with what the fake adds listed in `x-athenty-fake`; made once per resource list.
 *
 * @example
 * const doc = apiOpenApi(RESOURCES); // doc.paths['/clients'].post
 */
export function apiOpenApi(resources: readonly ResourceModule[]): Json {
  const known = apiDocuments.get(resources);
  if (known !== undefined) return known;
  const paths: Record<string, Json> = {};
  const pages: Record<string, Json> = {};
  const errorStatuses = new Set<number>();
  for (const resource of resources) {
    for (const operation of resource.operations as readonly Operation<unknown>[]) {
      const [canonical, ...aliases] = servedPaths(resource, operation.path).map(openApiPath);
      const method = operation.method.toLowerCase();
      const object = operationObject(resource, operation);
      paths[canonical as string] = { ...paths[canonical as string], [method]: object };
      // An alias answers the same: documented once more, without a second operationId.
      const { operationId: _id, ...aliased } = object as Record<string, unknown>;
      for (const alias of aliases) paths[alias] = { ...paths[alias], [method]: { ...aliased, description: `Same as ${canonical}.` } };
      if ('page' in operation.response) pages[pageName(operation.response.page)] = pageComponent(operation.response.page);
      for (const status of errorStatusesOf(operation)) errorStatuses.add(status);
    }
  }
  const statuses = [...errorStatuses].sort((a, b) => a - b);
  const additions = fakeAdditions(resources);
  // Resources with admin operations only (webhooks) have no place in the API's document.
  const served = resources.filter((r) => r.operations.length > 0);
  const document: Json = {
    openapi: '3.1.0',
    info: {
      title: 'Athenty API',
      version: '2.0.0',
      description: `The Athenty REST API v2 (${served.map((r) => r.name).join(', ')}) as athenty-fake ${packageVersion()} serves it: the real document's operations, answers and error bodies, plus what the fake adds (also listed in x-athenty-fake): ${additions.join(' ')}`,
    },
    servers: [{ url: '/v2/api' }, { url: '/' }],
    security: [{ ApiKeyAuth: [] }],
    tags: served.map((resource) => ({ name: tagOf(resource) })),
    paths,
    components: {
      securitySchemes: { ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } },
      headers: RATE_HEADER_DEFINITIONS,
      responses: Object.fromEntries(statuses.map((status) => [errorNamesOf(status).response, errorResponse(status)])),
      schemas: {
        ...schemaComponents(),
        ...pages,
        ...Object.fromEntries(statuses.map((status) => [errorNamesOf(status).schema, errorBodySchema(status)])),
      },
    },
    'x-athenty-fake': { version: packageVersion(), additions },
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

// The error catalogue, the one error class and the one envelope every non-success answer uses.

/** One item of a 422 answer's `errors` list. */
export interface FieldError {
  /** Dotted path of the value (`email`, `metadata.tier`); `""` for the body as a whole. */
  field: string;
  /** Zod 3's default English message for the failure. */
  message: string;
}

/** The body of every error answer, as the real API sends it. */
export interface ErrorEnvelope {
  code: string;
  message: string;
  statusCode: number;
  errors?: FieldError[];
}

interface CatalogueEntry {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/**
 * Every error the fake answers with. The first six are the real API's documented errors, word for
 * word; the rest are the fake's choices for cases the public docs do not cover.
 */
export const ERROR_CATALOGUE = {
  UNAUTHORIZED: { status: 401, code: 'UNAUTHORIZED', message: 'Invalid API key.' },
  PAYMENT_REQUIRED: {
    status: 402,
    code: 'PAYMENT_REQUIRED',
    message: 'Your subscription is inactive. Please resubscribe to use the API.',
  },
  FORBIDDEN: {
    status: 403,
    code: 'FORBIDDEN',
    message: 'API access requires a Professional, Business, or Enterprise plan.',
  },
  NOT_FOUND: { status: 404, code: 'NOT_FOUND', message: 'Resource not found.' },
  VALIDATION_ERROR: { status: 422, code: 'VALIDATION_ERROR', message: 'Validation failed' },
  RATE_LIMITED: { status: 429, code: 'RATE_LIMITED', message: 'Too many requests' },
  ADMIN_UNAUTHORIZED: {
    status: 401,
    code: 'UNAUTHORIZED',
    message: 'Invalid admin token. Send Authorization: Bearer <token>.',
  },
  MALFORMED_JSON: { status: 400, code: 'BAD_REQUEST', message: 'Request body is not valid JSON.' },
  BAD_REQUEST: { status: 400, code: 'BAD_REQUEST', message: 'Bad request.' },
  BODY_TOO_DEEP: { status: 400, code: 'BAD_REQUEST', message: 'Request body is nested too deeply.' },
  NOT_JSON: { status: 400, code: 'BAD_REQUEST', message: 'Request body is not JSON: {problem}.' },
  MISSING_HOST: { status: 400, code: 'BAD_REQUEST', message: 'The Host header is required.' },
  EXPECTATION_FAILED: { status: 417, code: 'EXPECTATION_FAILED', message: 'Only Expect: 100-continue is supported.' },
  METHOD_NOT_ALLOWED: { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'Method not allowed.' },
  INVALID_TRANSITION: { status: 409, code: 'INVALID_TRANSITION', message: 'Cannot move a {record} from {from} to {to}.' },
  REQUEST_TIMEOUT: {
    status: 408,
    code: 'REQUEST_TIMEOUT',
    message: 'The request was not received in time.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'Request body is larger than the server accepts.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Request body must be JSON (Content-Type: application/json; charset=utf-8).',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    code: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    message: 'Request headers are larger than the server accepts.',
  },
  INTERNAL_ERROR: { status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error.' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    message: 'Service unavailable.',
  },
  NOT_READY: { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'The fake is starting.' },
  STORE_UNAVAILABLE: {
    status: 503,
    code: 'STORE_UNAVAILABLE',
    message: 'The store file cannot be written ({reason}).',
  },
  STOPPING: { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'The fake is stopping.' },
} as const satisfies Record<string, CatalogueEntry>;

/** The name of a catalogue entry, e.g. `NOT_FOUND`. */
export type ErrorKind = keyof typeof ERROR_CATALOGUE;

/**
 * The real API's documented errors: their message is fixed, word for word (never replaced). The
 * other entries are the fake's choices.
 *
 * @example
 * DOCUMENTED_ERRORS.includes('NOT_FOUND'); // true
 */
export const DOCUMENTED_ERRORS: readonly ErrorKind[] = [
  'UNAUTHORIZED',
  'PAYMENT_REQUIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION_ERROR',
  'RATE_LIMITED',
];

/** What an {@link ApiError} may carry besides its catalogue entry. */
export interface ApiErrorOptions {
  /** The `{field, message}` items of a 422. */
  errors?: FieldError[];
  /** Replaces the catalogue message where a case needs to say more (never for documented errors). */
  message?: string;
  /** Extra response headers, e.g. `Allow` on a 405. */
  headers?: Record<string, string>;
  /** Values for the `{name}` placeholders of the catalogue message. */
  fill?: Record<string, string>;
}

/**
 * The one error class: thrown anywhere on the request path, written by the error middleware.
 *
 * @example
 * throw new ApiError('NOT_FOUND');
 * throw new ApiError('VALIDATION_ERROR', { errors: [{ field: 'email', message: 'Invalid email' }] });
 */
export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(kind: ErrorKind, options: ApiErrorOptions = {}) {
    const entry = ERROR_CATALOGUE[kind];
    const message: string = options.message ?? entry.message;
    super(message.replace(/\{(\w+)\}/g, (placeholder, name: string) => options.fill?.[name] ?? placeholder));
    this.name = 'ApiError';
    this.kind = kind;
    this.status = entry.status;
    this.errors = options.errors;
    this.headers = options.headers;
  }

  /** The body the real API would send for this error. */
  toEnvelope(): ErrorEnvelope {
    const envelope: ErrorEnvelope = {
      code: ERROR_CATALOGUE[this.kind].code,
      message: this.message,
      statusCode: this.status,
    };
    if (this.errors !== undefined) envelope.errors = this.errors;
    return envelope;
  }
}

/**
 * A problem that stops the fake from starting (a bad option, fixture or store file): its message is
 * one line that names the option or file and the problem, for the CLI to print as it is.
 *
 * @example
 * throw new StartupError('keys file fixtures/api-keys.json: keys.0.orgId: Required');
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

// The error bodies tests expect, written out here rather than read from src/errors.ts, so that a
// changed code or message fails a test instead of changing what the test expects.

/** One item of a 422 answer's `errors`. */
export interface ExpectedFieldError {
  field: string;
  message: string;
}

/** The real API's bodies of its documented errors (besides 401, 404 and 422). */
export const DOCUMENTED = {
  PAYMENT_REQUIRED: {
    code: 'PAYMENT_REQUIRED',
    message: 'Your subscription is inactive. Please resubscribe to use the API.',
    statusCode: 402,
  },
  FORBIDDEN: { code: 'FORBIDDEN', message: 'API access requires a Professional, Business, or Enterprise plan.', statusCode: 403 },
  RATE_LIMITED: { code: 'RATE_LIMITED', message: 'Too many requests', statusCode: 429 },
} as const;

/** The envelope of every other catalogue error, by the name the catalogue gives it. */
export const ENVELOPES = {
  UNAUTHORIZED: { code: 'UNAUTHORIZED', message: 'Invalid API key.', statusCode: 401 },
  ADMIN_UNAUTHORIZED: { code: 'UNAUTHORIZED', message: 'Invalid admin token. Send Authorization: Bearer <token>.', statusCode: 401 },
  NOT_FOUND: { code: 'NOT_FOUND', message: 'Resource not found.', statusCode: 404 },
  MALFORMED_JSON: { code: 'BAD_REQUEST', message: 'Request body is not valid JSON.', statusCode: 400 },
  BAD_REQUEST: { code: 'BAD_REQUEST', message: 'Bad request.', statusCode: 400 },
  BODY_TOO_DEEP: { code: 'BAD_REQUEST', message: 'Request body is nested too deeply.', statusCode: 400 },
  MISSING_HOST: { code: 'BAD_REQUEST', message: 'The Host header is required.', statusCode: 400 },
  METHOD_NOT_ALLOWED: { code: 'METHOD_NOT_ALLOWED', message: 'Method not allowed.', statusCode: 405 },
  REQUEST_TIMEOUT: { code: 'REQUEST_TIMEOUT', message: 'The request was not received in time.', statusCode: 408 },
  PAYLOAD_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is larger than the server accepts.', statusCode: 413 },
  UNSUPPORTED_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Request body must be JSON (Content-Type: application/json; charset=utf-8).',
    statusCode: 415,
  },
  HEADERS_TOO_LARGE: {
    code: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    message: 'Request headers are larger than the server accepts.',
    statusCode: 431,
  },
  INTERNAL_ERROR: { code: 'INTERNAL_ERROR', message: 'Internal server error.', statusCode: 500 },
  SERVICE_UNAVAILABLE: { code: 'SERVICE_UNAVAILABLE', message: 'Service unavailable.', statusCode: 503 },
  NOT_READY: { code: 'SERVICE_UNAVAILABLE', message: 'The fake is starting.', statusCode: 503 },
  EXPECTATION_FAILED: { code: 'EXPECTATION_FAILED', message: 'Only Expect: 100-continue is supported.', statusCode: 417 },
  STOPPING: { code: 'SERVICE_UNAVAILABLE', message: 'The fake is stopping.', statusCode: 503 },
} as const;

/**
 * The 422 envelope listing `errors`, in order.
 *
 * @example
 * assert.deepEqual(res.body, validationError([{ field: 'email', message: 'Invalid email' }]));
 */
export function validationError(errors: readonly ExpectedFieldError[]): {
  code: 'VALIDATION_ERROR';
  message: 'Validation failed';
  statusCode: 422;
  errors: readonly ExpectedFieldError[];
} {
  return { code: 'VALIDATION_ERROR', message: 'Validation failed', statusCode: 422, errors };
}

/**
 * The 503 of a store file that cannot be written, with the reason (the write's error message).
 *
 * @example
 * assert.deepEqual(res.body, storeUnavailable('ENOSPC: no space left on device, write'));
 */
export function storeUnavailable(reason: string): { code: 'STORE_UNAVAILABLE'; message: string; statusCode: 503 } {
  return { code: 'STORE_UNAVAILABLE', message: `The store file cannot be written (${reason}).`, statusCode: 503 };
}

// The error bodies tests expect, written out here rather than read from src/errors.ts, so that a
// changed code or message fails a test instead of changing what the test expects.

/** The real API's bodies of its documented errors. */
export const DOCUMENTED = {
  PAYMENT_REQUIRED: { code: 'PAYMENT_REQUIRED', message: 'Your subscription is inactive. Please resubscribe to use the API.', statusCode: 402 },
  FORBIDDEN: { code: 'FORBIDDEN', message: 'API access requires a Professional, Business, or Enterprise plan.', statusCode: 403 },
  RATE_LIMITED: { code: 'RATE_LIMITED', message: 'Too many requests', statusCode: 429 },
} as const;

/** The envelope of each catalogue error, as tests expect it. */
export const ENVELOPES = {
  UNAUTHORIZED: { code: 'UNAUTHORIZED', message: 'Invalid API key.', statusCode: 401 },
  NOT_FOUND: { code: 'NOT_FOUND', message: 'Resource not found.', statusCode: 404 },
} as const;


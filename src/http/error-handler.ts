// The last middleware: every error becomes the API's envelope; nothing else ever reaches a client.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ApiError } from '../errors.js';
import type { Logger } from '../logger.js';
import { sendJson } from './respond.js';

/** The body-parser failures, by their `type`, and what the client is told. */
const BODY_ERRORS: Record<string, ApiError['kind']> = {
  'entity.parse.failed': 'MALFORMED_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
};

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  const kind = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  if (kind !== undefined) return new ApiError(kind);
  // Other client errors from express or body-parser (an undecodable path, an aborted body, ...).
  if (typeof status === 'number' && status >= 400 && status < 500) return new ApiError('BAD_REQUEST');
  return new ApiError('INTERNAL_ERROR');
}

/** Answers every unmatched route with the 404 envelope. */
export const notFound: RequestHandler = () => {
  throw new ApiError('NOT_FOUND');
};

/** Writes the envelope of any error; unexpected ones are logged, never shown with a stack. */
export function handleErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const apiError = toApiError(error);
    if (apiError.kind === 'INTERNAL_ERROR' && !(error instanceof ApiError)) {
      logger.error(`${req.method} ${req.originalUrl}: ${(error as Error)?.stack ?? String(error)}`);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [name, value] of Object.entries(apiError.headers ?? {})) res.setHeader(name, value);
    sendJson(res, apiError.status, apiError.toEnvelope());
  };
}

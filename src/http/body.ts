// Request bodies: JSON only, up to the configured size; anything else is answered in the envelope.
import express, { type RequestHandler } from 'express';
import { ApiError } from '../errors.js';

const JSON_TYPES = ['application/json', 'application/*+json'];

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Parses JSON bodies of any JSON value (a non-object body is the validator's to reject, as a 422),
 * and answers 415 for a body of another type. Malformed JSON and oversized bodies become errors
 * that the error handler answers as 400 and 413.
 */
export function parseJsonBody(limitBytes: number): RequestHandler[] {
  const parse = express.json({ limit: limitBytes, strict: false, type: JSON_TYPES });
  const rejectOtherTypes: RequestHandler = (req, _res, next) => {
    if (req.body === undefined && hasBody(req.headers)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
    next();
  };
  return [parse, rejectOtherTypes];
}

// The middleware that admits a request with a valid X-Api-Key and remembers whose it is.
import type { RequestHandler, Response } from 'express';
import { ApiError } from '../errors.js';
import type { ApiKey, ApiKeyRing } from './api-keys.js';

/**
 * Answers 401 for a missing, empty, unknown or revoked key; otherwise records the key for the
 * handlers after it (see {@link apiKeyOf}).
 */
export function authenticate(ring: ApiKeyRing): RequestHandler {
  return (req, res, next) => {
    const apiKey = ring.find(req.get('x-api-key'));
    if (apiKey === undefined || apiKey.revoked) throw new ApiError('UNAUTHORIZED');
    res.locals.apiKey = apiKey;
    next();
  };
}

/** The key that {@link authenticate} admitted for this request. */
export function apiKeyOf(res: Response): ApiKey {
  return res.locals.apiKey as ApiKey;
}


// The middleware that admits a request with a valid X-Api-Key and remembers whose it is.
import type { RequestHandler, Response } from 'express';
import { ApiError } from '../errors.js';
import { contextOf } from '../http/context.js';
import type { ApiKey, ApiKeyRing } from './api-keys.js';

/**
 * Answers 401 for a missing, empty, unknown or revoked key; otherwise records the key for the
 * handlers after it (see {@link apiKeyOf}).
 */
export function authenticate(ring: ApiKeyRing): RequestHandler {
  return (req, res, next) => {
    const presented = req.headers['x-api-key'];
    const apiKey = ring.find(typeof presented === 'string' ? presented : undefined);
    if (apiKey === undefined || apiKey.revoked) throw new ApiError('UNAUTHORIZED');
    contextOf(res).apiKey = apiKey;
    next();
  };
}

/** The key that {@link authenticate} admitted for this request. */
export function apiKeyOf(res: Response): ApiKey {
  const { apiKey } = contextOf(res);
  if (apiKey === undefined) throw new Error('apiKeyOf() before authenticate()');
  return apiKey;
}

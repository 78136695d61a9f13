// CORS, so that browser front-end tests can call the fake; answers every OPTIONS request itself.
import type { RequestHandler } from 'express';

const EXPOSED = ['Location', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'Retry-After'].join(', ');
const METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
const HEADERS = 'X-Api-Key, Content-Type, Prefer, Authorization';

/**
 * Allows any origin (the fake holds test data only, and keys travel in a header, not a cookie),
 * exposes the headers a client reads, and answers preflights with 204. An OPTIONS request that is
 * no preflight goes on like any other method (405 on the API's paths, 404 elsewhere).
 */
export function allowCrossOrigin(): RequestHandler {
  return (req, res, next) => {
    if (req.headers.origin === undefined) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', EXPOSED);
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', METHODS);
    res.setHeader('Access-Control-Allow-Headers', req.get('access-control-request-headers') ?? HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

// One concise log line per request: method, path, status, duration, and the organisation (never the key).
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { contextOf } from './context.js';

/**
 * Logs each request when it finishes; install it only when info lines are enabled. Health probes
 * (every few seconds under Docker; `isProbe` tells them) are logged at debug, so they do not drown
 * the rest.
 */
export function logRequests(logger: Logger, isProbe: (path: string) => boolean): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    // Now, not when it finishes: a mounted router (the admin API's) strips its prefix meanwhile.
    const probe = isProbe(req.path);
    res.once('finish', () => {
      const ms = (performance.now() - started).toFixed(1);
      const { apiKey } = contextOf(res);
      const line = `${req.method} ${req.originalUrl} ${res.statusCode} ${ms}ms${apiKey ? ` ${apiKey.orgId}` : ''}`;
      if (probe) logger.debug(line);
      else logger.info(line);
    });
    next();
  };
}

// Guards the admin API with `Authorization: Bearer TOKEN` when an admin token is configured.
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { digest } from '../auth/api-keys.js';
import { ApiError } from '../errors.js';

/** Admits every admin call when `token` is undefined; otherwise only those carrying it (compared in constant time). */
export function requireAdminToken(token: string | undefined): RequestHandler {
  if (token === undefined) return (_req, _res, next) => next();
  const expected = digest(`Bearer ${token}`);
  return (req, _res, next) => {
    if (!timingSafeEqual(digest(req.get('authorization') ?? ''), expected)) throw new ApiError('ADMIN_UNAUTHORIZED');
    next();
  };
}

// HTTP/1.1 requires a Host header; the fake answers its absence in the envelope.
import type { RequestHandler } from 'express';
import { ApiError } from '../errors.js';

/** Answers 400 to an HTTP/1.1 request without Host (HTTP/1.0 may omit it). */
export const requireHost: RequestHandler = (req, _res, next) => {
  if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) {
    throw new ApiError('MISSING_HOST');
  }
  next();
};

// Per-key rate limits with express-rate-limit: a fixed window per API key, the real API's 429, and
// the X-RateLimit-* headers on every API answer.
import { createRequire } from 'node:module';
import type { RequestHandler, Response } from 'express';
import type { RateLimitInfo, RateLimitRequestHandler } from 'express-rate-limit';
import type { ApiKey } from '../auth/api-keys.js';
import { apiKeyOf } from '../auth/authenticate.js';
import type { Clock } from '../clock.js';
import { ApiError } from '../errors.js';
import { ClockStore } from './clock-store.js';

/** A limit: requests per window. */
export interface RateLimitPolicy {
  /** Requests per window; 0 turns limiting off. */
  limit: number;
  windowSeconds: number;
}

/** Where a key stands in its window, as the headers report it. */
export interface RateLimitStanding {
  limit: number;
  remaining: number;
  /** Epoch ms at which the window ends; undefined when no window is open. */
  resetTime: number | undefined;
  windowMs: number;
}

/** The rate limiter of the API routes, and what the admin and the fault injector need of it. */
export interface RateLimits {
  /** Whether any key is limited at all (with --rate-limit 0 and no overrides, none is). */
  active: boolean;
  /** Counts the request against its key's window and answers 429 past the limit. */
  middleware: RequestHandler;
  /** Where a key stands, without counting a request (for forced answers). */
  peek(apiKey: ApiKey): RateLimitStanding | undefined;
  /** Forgets the counts of every key, or of these keys. */
  reset(keys?: readonly ApiKey[]): void;
}

interface Limiter {
  policy: RateLimitPolicy;
  store: ClockStore;
  handler: RateLimitRequestHandler;
}

/** Sets X-RateLimit-Limit and X-RateLimit-Remaining. */
export function setRateLimitHeaders(res: Response, standing: { limit: number; remaining: number }): void {
  res.setHeader('X-RateLimit-Limit', String(standing.limit));
  res.setHeader('X-RateLimit-Remaining', String(standing.remaining));
}

/**
 * The 429 error with the three headers the contract puts on every 429: `Retry-After` (whole
 * seconds until the window resets, at least 1), `X-RateLimit-Limit` and `X-RateLimit-Remaining: 0`.
 * A key that is not limited (`standing` undefined) reports a limit of 0 and `Retry-After: 1`. The
 * real limiter and every forced 429 use this one function.
 */
export function rateLimitedError(standing: RateLimitStanding | undefined, now: number, res: Response): ApiError {
  setRateLimitHeaders(res, { limit: standing?.limit ?? 0, remaining: 0 });
  const untilReset = standing === undefined ? 0 : standing.resetTime === undefined ? standing.windowMs : standing.resetTime - now;
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(untilReset / 1000))));
  return new ApiError('RATE_LIMITED');
}

function policyKey(policy: RateLimitPolicy): string {
  return `${policy.limit}/${policy.windowSeconds}`;
}

/**
 * Builds the limiters: one express-rate-limit instance per distinct policy (the server's, and each
 * key's own override), each over a {@link ClockStore} on the injected clock, keyed by API key label.
 *
 * @example
 * const limits = createRateLimits({ limit: 100, windowSeconds: 60 }, keys, clock);
 * app.use('/clients', authenticate(ring), limits.middleware, clientsRouter);
 */
export function createRateLimits(defaults: RateLimitPolicy, keys: readonly ApiKey[], clock: Clock): RateLimits {
  const limiters = new Map<string, Limiter>();
  const limiterOfKey = new Map<string, Limiter>();

  const limiterFor = (policy: RateLimitPolicy): Limiter => {
    let limiter = limiters.get(policyKey(policy));
    if (limiter === undefined) {
      const store = new ClockStore(clock);
      const windowMs = policy.windowSeconds * 1000;
      // Loaded only when some key is limited: with --rate-limit 0 a start-up skips it.
      const { rateLimit } = createRequire(import.meta.url)('express-rate-limit') as typeof import('express-rate-limit');
      const handler = rateLimit({
        windowMs,
        limit: policy.limit,
        store,
        keyGenerator: (_req, res) => apiKeyOf(res).label,
        // The library's own headers read Date.now(); ours follow the injected clock.
        legacyHeaders: false,
        standardHeaders: false,
        handler: (req, res, next) => {
          const info = (req as typeof req & { rateLimit: RateLimitInfo }).rateLimit;
          const standing = { limit: info.limit, remaining: 0, resetTime: info.resetTime?.getTime(), windowMs };
          next(rateLimitedError(standing, clock.now(), res));
        },
      });
      limiter = { policy, store, handler };
      limiters.set(policyKey(policy), limiter);
    }
    return limiter;
  };

  for (const key of keys) {
    const policy = {
      limit: key.rateLimit?.limit ?? defaults.limit,
      windowSeconds: key.rateLimit?.windowSeconds ?? defaults.windowSeconds,
    };
    if (policy.limit > 0) limiterOfKey.set(key.label, limiterFor(policy));
  }

  const countAndLimit: RequestHandler = (req, res, next) => {
    const limiter = limiterOfKey.get(apiKeyOf(res).label);
    if (limiter === undefined) {
      next();
      return;
    }
    limiter.handler(req, res, (error?: unknown) => {
      if (error !== undefined) {
        next(error);
        return;
      }
      const info = (req as typeof req & { rateLimit: RateLimitInfo }).rateLimit;
      setRateLimitHeaders(res, info);
      next();
    });
  };

  return {
    active: limiterOfKey.size > 0,
    middleware: countAndLimit,
    peek(apiKey) {
      const limiter = limiterOfKey.get(apiKey.label);
      if (limiter === undefined) return undefined;
      const window = limiter.store.get(apiKey.label);
      return {
        limit: limiter.policy.limit,
        remaining: Math.max(0, limiter.policy.limit - (window?.totalHits ?? 0)),
        resetTime: window?.resetTime?.getTime(),
        windowMs: limiter.policy.windowSeconds * 1000,
      };
    },
    reset(only) {
      if (only === undefined) {
        for (const limiter of limiters.values()) limiter.store.resetAll();
        return;
      }
      for (const key of only) limiterOfKey.get(key.label)?.store.resetKey(key.label);
    },
  };
}

// Failure injection on the API routes: magic keys, the per-request `Prefer: code=` header, and the
// fault rules, answered exactly as the real API fails (forced equals real), before anything is
// counted or stored.
import { STATUS_CODES } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { SimulatedError } from '../auth/api-keys.js';
import { apiKeyOf } from '../auth/authenticate.js';
import type { Clock } from '../clock.js';
import { ApiError, type ErrorEnvelope, type ErrorKind } from '../errors.js';
import { contextOf } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import { rateLimitedError, setRateLimitHeaders, type RateLimits } from '../rate-limit/rate-limits.js';
import type { FaultRule } from './fault-rule.js';
import type { FaultRules } from './fault-rules.js';

/** The statuses `Prefer: code=` can force. */
export const PREFERABLE_STATUSES = [401, 402, 403, 404, 422, 429, 500, 503] as const;

/** The catalogue entry a forced status answers with. */
const KIND_OF_STATUS: Record<number, ErrorKind> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  402: 'PAYMENT_REQUIRED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_ERROR',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

const STATUS_OF_SIMULATION: Record<SimulatedError, number> = {
  RATE_LIMITED: 429,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
};

/** A forced 422 names a plausible problem, as a real validation failure would. */
const FORCED_VALIDATION_ERRORS = [{ field: 'email', message: 'Invalid email' }];

/** The real API's body for a status; statuses the API never documents get their HTTP reason phrase. */
function envelopeFor(status: number): ErrorEnvelope {
  const kind = KIND_OF_STATUS[status];
  if (kind !== undefined) {
    return new ApiError(kind, kind === 'VALIDATION_ERROR' ? { errors: FORCED_VALIDATION_ERRORS } : {}).toEnvelope();
  }
  const reason = STATUS_CODES[status] ?? 'Error';
  return { code: reason.toUpperCase().replace(/[^A-Z0-9]+/g, '_'), message: reason, statusCode: status };
}

/** The `code=` of a Prefer header (other preferences are ignored); undefined without one. */
function preferredCode(header: string): string | undefined {
  return /(?:^|[\s,;])code=([^\s,;]*)/i.exec(header)?.[1];
}

/** What fault injection needs. */
export interface FaultInjectorDeps {
  rules: FaultRules;
  rateLimits: RateLimits;
  clock: Clock;
  /** Waits `ms`; injected so that tests need no real waiting. Default: a timer. */
  delay?: (ms: number) => Promise<void>;
}

/** The middleware, and the connections it holds open. */
export interface FaultInjector {
  middleware: RequestHandler;
  /** Ends every request a `hang` or a delay is holding, and cancels the delays (on server close). */
  releaseHeld(): void;
}

/**
 * Creates the fault injector, to run after authentication and before the rate limiter (so a forced
 * answer is never counted).
 */
export function createFaultInjector({ rules, rateLimits, clock, delay }: FaultInjectorDeps): FaultInjector {
  // Requests a fault holds open, and the timers of running delays, so that close() can end them.
  const held = new Set<Response>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  const wait =
    delay ??
    ((ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.set(timer, resolve);
      }));
  const hold = (res: Response): void => {
    held.add(res);
    res.once('close', () => held.delete(res));
  };

  const answerStatus = (res: Response, status: number, rule?: FaultRule): void => {
    const apiKey = apiKeyOf(res);
    let envelope: ErrorEnvelope;
    if (status === 429) {
      envelope = rateLimitedError(rateLimits.peek(apiKey), clock.now(), res).toEnvelope();
    } else {
      const standing = rateLimits.peek(apiKey);
      if (standing !== undefined) setRateLimitHeaders(res, standing);
      envelope = envelopeFor(status);
    }
    for (const [name, value] of Object.entries(rule?.headers ?? {})) res.setHeader(name, value);
    sendJson(res, status, rule?.body !== undefined ? rule.body : envelope);
  };

  // The shape and status the operation answers with: one record, or a first page of them.
  const answerMalformed = (req: Request, res: Response): void => {
    const route = contextOf(res).route?.route;
    const operation = route?.byMethod.get(req.method === 'HEAD' ? 'GET' : req.method)?.operation;
    const body: unknown = req.body;
    const fields =
      operation?.body !== undefined && body !== null && typeof body === 'object' && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : {};
    const sample = route?.resource.instance.sample(fields, apiKeyOf(res).orgId) ?? {};
    const whole =
      operation === undefined || 'record' in operation.response
        ? sample
        : { data: [sample], pagination: { page: 1, limit: 20, total: 1, totalPages: 1, hasNext: false, hasPrev: false } };
    const json = JSON.stringify(whole);
    // Half a document: the client reads the whole body, then fails to parse it.
    const truncated = json.slice(0, Math.floor(json.length / 2));
    sendJson(res, operation?.status ?? (req.method === 'POST' ? 201 : 200), truncated, truncated);
  };

  const applyRule = async (req: Request, res: Response, rule: FaultRule): Promise<boolean> => {
    contextOf(res).faultId = rule.id;
    if (rule.delayMs !== undefined) {
      hold(res);
      await wait(rule.delayMs);
      // The server stopped, or the client gave up, while it waited.
      if (res.destroyed || req.socket.destroyed) return true;
      held.delete(res);
    }
    if (rule.status !== undefined) {
      answerStatus(res, rule.status, rule);
      return true;
    }
    switch (rule.network) {
      case 'reset':
        // An RST, not a FIN: the client sees ECONNRESET.
        req.socket.resetAndDestroy();
        return true;
      case 'hang':
        hold(res);
        return true;
      case 'malformed':
        answerMalformed(req, res);
        return true;
      default:
        // A delay on its own: the request goes on as usual.
        return false;
    }
  };

  // Synchronous on the common path (no magic key, no Prefer, no rule): only a rule that fires
  // goes through applyRule's promise.
  const middleware: RequestHandler = (req, res, next) => {
    const apiKey = apiKeyOf(res);
    if (apiKey.simulate !== undefined) {
      answerStatus(res, STATUS_OF_SIMULATION[apiKey.simulate]);
      return;
    }
    const prefer = req.headers.prefer;
    const code = typeof prefer === 'string' ? preferredCode(prefer) : undefined;
    if (code !== undefined) {
      const status = Number(code);
      if (!/^\d+$/.test(code) || !(PREFERABLE_STATUSES as readonly number[]).includes(status)) {
        throw new ApiError('BAD_REQUEST', {
          message: `Prefer: code=${code} is not supported; use one of ${PREFERABLE_STATUSES.join(', ')}.`,
        });
      }
      answerStatus(res, status);
      return;
    }
    const rule = rules.size === 0 ? undefined : rules.take({ method: req.method, path: req.path, apiKey });
    if (rule === undefined) {
      next();
      return;
    }
    return applyRule(req, res, rule).then((answered) => {
      if (!answered) next();
    });
  };

  return {
    middleware,
    releaseHeld() {
      for (const res of held) res.destroy();
      held.clear();
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve();
      }
      timers.clear();
    },
  };
}

// The typed per-request context: what one stage of the request path tells the stages after it
// (who is calling, which fault fired, what was answered), instead of untyped `res.locals` keys.
import type { Response } from 'express';
import type { MatchedRoute } from '../api/dispatcher.js';
import type { ApiKey } from '../auth/api-keys.js';

/** What is known about one request as it goes through the stages. */
export interface RequestContext {
  /** The key authentication admitted; undefined before that, or when it did not. */
  apiKey: ApiKey | undefined;
  /** Id of the fault rule that fired, if one did. */
  faultId: string | undefined;
  /** The body answered (for the journal); undefined until one is sent. */
  responseBody: unknown;
  /** The API path the dispatcher matched; undefined for any other path. */
  route: MatchedRoute | undefined;
}

const CONTEXT = Symbol('athenty-fake request context');

type WithContext = Response & { [CONTEXT]?: RequestContext };

/**
 * The context of the request `res` answers, made on first use.
 *
 * @example
 * contextOf(res).apiKey?.orgId;
 */
export function contextOf(res: Response): RequestContext {
  const holder = res as WithContext;
  let context = holder[CONTEXT];
  if (context === undefined) {
    context = { apiKey: undefined, faultId: undefined, responseBody: undefined, route: undefined };
    holder[CONTEXT] = context;
  }
  return context;
}

// The API keys the fake accepts, looked up without leaking through timing which key came close.
import { createHash, timingSafeEqual } from 'node:crypto';

/** The real API's errors a magic key always answers with. */
export type SimulatedError = 'RATE_LIMITED' | 'PAYMENT_REQUIRED' | 'FORBIDDEN';

/** One key of the keys fixture. */
export interface ApiKey {
  key: string;
  orgId: string;
  label: string;
  revoked: boolean;
  /** This key's own rate limit, instead of the server's. */
  rateLimit?: { limit: number; windowSeconds?: number };
  /** A magic key: every request it makes answers this error. */
  simulate?: SimulatedError;
}

/** The SHA-256 of a secret: secrets are compared as digests of equal length, in constant time. */
export function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * The set of keys, compared by SHA-256 digest with `timingSafeEqual` against every entry, so the
 * time an answer takes does not depend on how much of a key was right.
 *
 * @example
 * const ring = new ApiKeyRing(loadApiKeys('fixtures/api-keys.json'));
 * ring.find(req.get('x-api-key')); // the ApiKey, or undefined
 */
export class ApiKeyRing {
  readonly keys: readonly ApiKey[];
  readonly #digests: readonly Buffer[];

  constructor(keys: readonly ApiKey[]) {
    this.keys = keys;
    this.#digests = keys.map((k) => digest(k.key));
  }

  /** The entry whose key equals `presented` (revoked ones included), or `undefined`. */
  find(presented: string | undefined): ApiKey | undefined {
    if (presented === undefined || presented === '') return undefined;
    const candidate = digest(presented);
    let found: ApiKey | undefined;
    for (let i = 0; i < this.#digests.length; i++) {
      if (timingSafeEqual(candidate, this.#digests[i] as Buffer)) found = this.keys[i];
    }
    return found;
  }

  /** The keys by label, as a test suite would like to name them. */
  byLabel(): Record<string, ApiKey> {
    return Object.fromEntries(this.keys.map((k) => [k.label, k]));
  }
}

// Client ids: `clt_` followed by a lower-case, monotonic ULID built from the injected clock and random stream.
import type { Clock } from './clock.js';
import type { RandomSource } from './random.js';

/** Produces ids; `reset()` starts the sequence over (a seeded run then repeats its ids). */
export interface IdGenerator {
  next(): string;
  reset(): void;
}

// Crockford's base 32, lower case, as the docs' example id `clt_01j9abc456` suggests.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_LENGTH = 10;
const RANDOM_LENGTH = 16;

function encodeTime(ms: number): string {
  let out = '';
  let rest = Math.max(0, Math.floor(ms));
  for (let i = 0; i < TIME_LENGTH; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** Adds one to a base-32 string; `undefined` when it would overflow. */
function increment(digits: string): string | undefined {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const value = ALPHABET.indexOf(chars[i] as string);
    if (value < 31) {
      chars[i] = ALPHABET[value + 1] as string;
      return chars.join('');
    }
    chars[i] = '0';
  }
  return undefined;
}

/**
 * Creates the client id generator. Ids made in the same millisecond keep their creation order.
 *
 * @example
 * const ids = createClientIdGenerator(clock, createRandom(7));
 * ids.next(); // 'clt_01kdw3n8r0...' (26 ULID characters)
 */
export function createClientIdGenerator(clock: Clock, random: RandomSource): IdGenerator {
  let lastTime = -1;
  let lastRandom = '';
  const freshRandom = (): string => {
    let out = '';
    for (let i = 0; i < RANDOM_LENGTH; i++) out += ALPHABET[Math.floor(random.next() * 32)];
    return out;
  };
  return {
    next() {
      const now = clock.now();
      const incremented = now === lastTime ? increment(lastRandom) : undefined;
      lastRandom = incremented ?? freshRandom();
      lastTime = now;
      return `clt_${encodeTime(now)}${lastRandom}`;
    },
    reset() {
      lastTime = -1;
      lastRandom = '';
      random.reset();
    },
  };
}

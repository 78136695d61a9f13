// Record ids: a resource's prefix (`clt_`, ...) followed by a lower-case, monotonic ULID built from
// the injected clock and a random stream of the id's own.
import type { Clock } from './clock.js';
import type { RandomSource, RandomStreams } from './random.js';

/** Produces ids; `reset()` starts the sequence over (a seeded run then repeats its ids). */
export interface IdGenerator {
  next(): string;
  reset(): void;
}

/**
 * The next id that `taken` says is free. A seeded run restarted over its own file, or given
 * clients imported from another seeded run, would otherwise repeat ids already stored.
 *
 * @example
 * const id = nextFreeId(ids, (candidate) => store.get(candidate) !== undefined);
 */
export function nextFreeId(ids: IdGenerator, taken: (id: string) => boolean): string {
  let id = ids.next();
  while (taken(id)) id = ids.next();
  return id;
}

// Crockford's base 32, lower case, as the docs' example id `clt_01j9abc456` suggests.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const DIGIT_CODES = Array.from(ALPHABET, (ch) => ch.charCodeAt(0));
const TIME_LENGTH = 10;
const RANDOM_LENGTH = 16;

/**
 * Creates an id generator for one prefix. Ids made in the same millisecond keep their creation
 * order. Each id is built from character codes in one step, so it is a flat string: hashing it
 * (the store's index) and serialising it cost no extra copy.
 *
 * @example
 * const ids = createIdGenerator('clt_', clock, createRandom(7));
 * ids.next(); // 'clt_01kdw3n8r0...' (26 ULID characters)
 */
export function createIdGenerator(prefix: string, clock: Clock, random: RandomSource): IdGenerator {
  const prefixCodes = Array.from(prefix, (ch) => ch.charCodeAt(0));
  let lastTime = -1;
  // The random part as base-32 digit values, so that the next id in one millisecond is +1.
  const randomDigits = new Array<number>(RANDOM_LENGTH).fill(0);
  const fillRandom = (): void => {
    for (let i = 0; i < RANDOM_LENGTH; i++) randomDigits[i] = Math.floor(random.next() * 32);
  };
  /** Adds one to the random part; false when it would overflow. */
  const incrementRandom = (): boolean => {
    for (let i = RANDOM_LENGTH - 1; i >= 0; i--) {
      if ((randomDigits[i] as number) < 31) {
        randomDigits[i] = (randomDigits[i] as number) + 1;
        return true;
      }
      randomDigits[i] = 0;
    }
    return false;
  };
  const codes = [...prefixCodes, ...new Array<number>(TIME_LENGTH + RANDOM_LENGTH).fill(0)];
  return {
    next() {
      const now = clock.now();
      if (now !== lastTime || !incrementRandom()) fillRandom();
      lastTime = now;
      let rest = Math.max(0, Math.floor(now));
      for (let i = TIME_LENGTH - 1; i >= 0; i--) {
        codes[prefixCodes.length + i] = DIGIT_CODES[rest % 32] as number;
        rest = Math.floor(rest / 32);
      }
      for (let i = 0; i < RANDOM_LENGTH; i++) {
        codes[prefixCodes.length + TIME_LENGTH + i] = DIGIT_CODES[randomDigits[i] as number] as number;
      }
      return String.fromCharCode(...codes);
    },
    reset() {
      lastTime = -1;
      random.reset();
    },
  };
}

/** The id generators of a run, one per prefix, each on its own random stream (`ids:<prefix>`). */
export interface Ids {
  /** The generator of this prefix (the same object on every call). */
  for(prefix: string): IdGenerator;
  /** Starts every sequence over. */
  reset(): void;
}

/**
 * Creates the id generators of a run.
 *
 * @example
 * const ids = createIds(clock, createRandomStreams(1234));
 * ids.for('clt_').next();
 */
export function createIds(clock: Clock, streams: RandomStreams): Ids {
  const generators = new Map<string, IdGenerator>();
  return {
    for(prefix) {
      let generator = generators.get(prefix);
      if (generator === undefined) {
        generator = createIdGenerator(prefix, clock, streams.stream(`ids:${prefix}`));
        generators.set(prefix, generator);
      }
      return generator;
    },
    reset() {
      for (const generator of generators.values()) generator.reset();
    },
  };
}

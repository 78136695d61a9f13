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

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Creates a generator of UUIDv7 strings (RFC 9562) from the injected clock and a random stream:
 * the first 48 bits are the clock's milliseconds, then a 12-bit counter that starts at a random
 * value each millisecond (so ids of one millisecond keep their order), then 62 random bits.
 *
 * @example
 * const uuids = createUuidV7(clock, random.stream('webhooks:event-ids'));
 * uuids.next(); // '019b8a3c-5f00-7a2b-9c1d-0e4f5a6b7c8d'
 */
export function createUuidV7(clock: Clock, random: RandomSource): IdGenerator {
  let lastTime = -1;
  let counter = 0;
  const byte = (): number => Math.floor(random.next() * 256);
  return {
    next() {
      const now = Math.max(0, Math.floor(clock.now()));
      // Half the counter's range is left for ids made in the same millisecond.
      if (now !== lastTime || counter >= 0xfff) counter = Math.floor(random.next() * 0x800);
      else counter++;
      lastTime = now;
      const bytes = new Array<number>(16);
      let rest = now;
      for (let i = 5; i >= 0; i--) {
        bytes[i] = rest % 256;
        rest = Math.floor(rest / 256);
      }
      bytes[6] = 0x70 | (counter >> 8);
      bytes[7] = counter & 0xff;
      bytes[8] = 0x80 | (byte() & 0x3f);
      for (let i = 9; i < 16; i++) bytes[i] = byte();
      const hex = bytes.map((b) => HEX[b] as string);
      return `${hex.slice(0, 4).join('')}-${hex.slice(4, 6).join('')}-${hex.slice(6, 8).join('')}-${hex.slice(8, 10).join('')}-${hex.slice(10).join('')}`;
    },
    reset() {
      lastTime = -1;
      counter = 0;
      random.reset();
    },
  };
}

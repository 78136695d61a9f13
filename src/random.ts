// Seedable random numbers, so that ids and fault probabilities can repeat from run to run.
import { randomBytes } from 'node:crypto';

/** A stream of numbers in [0, 1) that can start over. */
export interface RandomSource {
  next(): number;
  /** Back to the first number of the stream. */
  reset(): void;
}

/**
 * Creates a random stream: the same `seed` always gives the same numbers; without one the stream is
 * seeded from the operating system's randomness.
 *
 * @example
 * const a = createRandom(42);
 * const b = createRandom(42);
 * a.next() === b.next(); // true
 */
export function createRandom(seed?: number): RandomSource {
  const initial = seed === undefined ? randomBytes(4).readUInt32LE(0) : seed >>> 0;
  let state = new Uint32Array(4);
  const start = (): void => {
    // splitmix32 spreads one 32-bit seed over sfc32's 128 bits of state.
    let s = initial;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    state = Uint32Array.of(splitmix(), splitmix(), splitmix(), splitmix());
  };
  start();
  return {
    next() {
      // sfc32: small, fast and good enough for test data (not for secrets).
      const [a, b, c, d] = state as unknown as [number, number, number, number];
      const t = (((a + b) >>> 0) + d) >>> 0;
      state[3] = (d + 1) >>> 0;
      state[0] = b ^ (b >>> 9);
      state[1] = (c + (c << 3)) >>> 0;
      state[2] = (((c << 21) | (c >>> 11)) + t) >>> 0;
      return t / 4294967296;
    },
    reset: start,
  };
}

/**
 * Streams that began as numbered ones keep their numbers, so that a seeded run gives the same ids
 * and fault draws as it did before streams were named.
 */
const NUMBERED_STREAMS: Readonly<Record<string, number>> = { 'ids:clt_': 1, faults: 2 };

/** FNV-1a: a stable 32-bit number for a stream name. */
function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** The seed of the stream `name` of a run seeded with `seed`. */
export function deriveSeed(seed: number, name: string): number {
  const stream = NUMBERED_STREAMS[name] ?? hashName(name);
  return (Math.imul(seed ^ 0x5bd1e995, 0x01000193) + Math.imul(stream, 0x9e3779b9)) >>> 0;
}

/** Independent random streams by name: adding a stream never shifts the numbers of another. */
export interface RandomStreams {
  /** The stream of this name (the same object on every call); `reset()` starts every stream over. */
  stream(name: string): RandomSource;
  reset(): void;
}

/**
 * Creates the named streams of a run: seeded from `seed`, or each from the system's randomness.
 *
 * @example
 * const streams = createRandomStreams(1234);
 * streams.stream('faults').next(); // the same number in every run seeded with 1234
 */
export function createRandomStreams(seed: number | undefined): RandomStreams {
  const streams = new Map<string, RandomSource>();
  return {
    stream(name) {
      let stream = streams.get(name);
      if (stream === undefined) {
        stream = createRandom(seed === undefined ? undefined : deriveSeed(seed, name));
        streams.set(name, stream);
      }
      return stream;
    },
    reset() {
      for (const stream of streams.values()) stream.reset();
    },
  };
}

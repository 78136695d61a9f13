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

/** A second, independent stream derived from a seed, so that two users of randomness never shift each other. */
export function deriveSeed(seed: number, stream: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x01000193) + stream * 0x9e3779b9) >>> 0;
}

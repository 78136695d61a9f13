// What one benchmark run does (full or --quick), and the context every measurement phase shares.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { LoadSettings } from './load.js';
import type { NodeLaunch } from './servers.js';

/** Sizes, durations and repetitions of one run. */
export interface BenchSettings {
  quick: boolean;
  load: LoadSettings;
  /** Rounds of each load comparison; the order of the servers alternates between rounds. */
  rounds: number;
  coldStarts: number;
  largeStoreSize: number;
  smallStoreSize: number;
  /** Resets timed at the small and the large store size. */
  resetSamples: { small: number; large: number };
  /** Ids the GET /clients/{id} load rotates through. */
  idSampleSize: number;
  /** Fresh servers on which the expiry of 10,000 open requests is timed. */
  expirySamples: number;
  /** Store sizes of the scale group, smallest first. */
  scaleSizes: readonly number[];
  /** How every athenty-fake process is started: environment variables and node flags, e.g. GC settings to compare. */
  fakeLaunch: NodeLaunch;
}

/** What the command line and the environment choose. */
export interface BenchChoices {
  quick: boolean;
  /** Overrides the scale group's sizes. */
  scaleSizes?: readonly number[];
  fakeLaunch: NodeLaunch;
}

/**
 * The settings of a full run, or of a `--quick` one (its scale group at 100,000 clients only).
 *
 * @example
 * const settings = benchSettings({ quick: true, fakeLaunch: { environment: {}, flags: [] } });
 */
export function benchSettings({ quick, scaleSizes, fakeLaunch }: BenchChoices): BenchSettings {
  return {
    quick,
    load: quick ? { connections: 10, durationSeconds: 3, warmupSeconds: 1 } : { connections: 10, durationSeconds: 10, warmupSeconds: 2 },
    rounds: quick ? 2 : 3,
    coldStarts: quick ? 5 : 11,
    largeStoreSize: 100_000,
    smallStoreSize: 1_000,
    resetSamples: quick ? { small: 50, large: 5 } : { small: 200, large: 20 },
    idSampleSize: 1_000,
    expirySamples: quick ? 3 : 5,
    scaleSizes: [...(scaleSizes ?? (quick ? [100_000] : [100_000, 1_000_000]))].sort((a, b) => a - b),
    fakeLaunch,
  };
}

/** The generated store files of a run. */
export interface GeneratedStores {
  /** `smallStoreSize` clients, used as a seed. */
  smallPath: string;
  /** `largeStoreSize` clients, used as a store and as a seed. */
  largePath: string;
  /** Ids from across the large store. */
  largeIdSample: string[];
}

/** What every phase gets: the settings and a place for its files. */
export interface RunContext {
  settings: BenchSettings;
  /** A path in the run's temporary folder that no server has used yet. */
  freshPath(name: string): string;
}

/** What the phases on the generated stores get. */
export interface BenchContext extends RunContext {
  stores: GeneratedStores;
}

/** Creates the context of a run whose temporary files live in `workDir`. */
export function createRunContext(settings: BenchSettings, workDir: string): RunContext {
  return { settings, freshPath: (name) => join(workDir, `${name}-${randomUUID()}.json`) };
}

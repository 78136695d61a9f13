// Sums up the rounds of one load measurement: means over rounds, the highest peak RSS.
import type { LoadResult } from './load.js';
import { mean } from './stats.js';

/** One server's figures over every round. */
export interface LoadSummary {
  requestsPerSecond: number;
  /** Means of the rounds' percentiles. */
  p50Ms: number;
  p99Ms: number;
  /** Highest VmHWM over the rounds' processes, when measured on its own server. */
  peakRssMb?: number;
  /** Non-expected statuses and connection errors over every round (should be 0). */
  unexpected: number;
  /** Mean of the rounds' server CPU time by answer, in µs, when every round measured it. */
  cpuUsPerAnswer?: number;
  rounds: LoadResult[];
}

/**
 * Summarises the rounds of one load measurement.
 *
 * @example
 * summariseRounds([round1, round2], [61.2, 63.0]); // { requestsPerSecond: mean, ..., peakRssMb: 63 }
 */
export function summariseRounds(rounds: readonly LoadResult[], peakRssMb?: readonly number[]): LoadSummary {
  return {
    requestsPerSecond: mean(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: mean(rounds.map((r) => r.p50Ms)),
    p99Ms: mean(rounds.map((r) => r.p99Ms)),
    ...(peakRssMb === undefined ? {} : { peakRssMb: Math.max(...peakRssMb) }),
    unexpected: rounds.reduce((sum, r) => sum + r.unexpected, 0),
    ...(rounds.length > 0 && rounds.every((r) => r.cpuUsPerAnswer !== undefined)
      ? { cpuUsPerAnswer: mean(rounds.map((r) => r.cpuUsPerAnswer as number)) }
      : {}),
    rounds: [...rounds],
  };
}

/** A short progress description of one round. */
export function describeRound(result: LoadResult): string {
  const problems = result.unexpected > 0 ? `, ${result.unexpected} UNEXPECTED answers/errors` : '';
  const { requestsPerSecond, p50Ms, p99Ms, cpuUsPerAnswer } = result;
  const cpu = cpuUsPerAnswer === undefined ? '' : `, ${Math.round(cpuUsPerAnswer)} us CPU an answer`;
  return `${Math.round(requestsPerSecond)} req/s, p50 ${p50Ms.toFixed(2)} ms, p99 ${p99Ms.toFixed(2)} ms${cpu}${problems}`;
}

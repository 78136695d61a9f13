// Waiting for in-process state without timers or sleeps.

/**
 * Waits until `condition` holds, yielding to the event loop between checks (no timers).
 *
 * @example
 * await until(() => fake.fake.controls.faults.list()[0]?.hits === 1);
 */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

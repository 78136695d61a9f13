// Progress lines on stderr while the benchmark runs (the table goes to stdout).

/** Prints one progress line. */
export function logProgress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

// A small levelled logger that writes whole lines to an injected sink.

/** Log levels, quietest last. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** One of {@link LOG_LEVELS}: `info` logs a line per request, `silent` nothing. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where log lines go, and how much is said. */
export interface Logger {
  /** Whether a message at `level` would be written (to skip building it otherwise). */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Creates a logger writing lines at or above `level` to `write`.
 *
 * @example
 * const logger = createLogger('info', (line) => process.stderr.write(line + '\n'));
 */
export function createLogger(level: LogLevel, write: (line: string) => void): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const enabled = (at: Exclude<LogLevel, 'silent'>): boolean => LOG_LEVELS.indexOf(at) >= threshold;
  const at = (name: Exclude<LogLevel, 'silent'>) => (message: string) => {
    if (enabled(name)) write(name === 'info' ? message : `${name}: ${message}`);
  };
  return { enabled, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

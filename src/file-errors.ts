// Why a file could not be read, in words a one-line start-up error can use.

/** Describes why a file could not be read, in a few words. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'ENOENT':
      return 'does not exist';
    default:
      return `cannot be read (${code ?? (error as Error).message})`;
  }
}

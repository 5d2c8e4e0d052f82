/**
 * Errors that reach a user. Each carries a stable code (for the CLI exit status and the
 * VS Code face), a message that says what went wrong, and optionally what to do about it.
 */
export type ErrorCode =
  | 'usage'
  | 'unknown-exercise'
  | 'invalid-manifest'
  | 'directory-occupied'
  | 'not-a-workspace'
  | 'runtime-unavailable'
  | 'service-failed'
  | 'port-in-use'
  | 'not-running'
  | 'control-unauthorized'
  | 'control-failed'
  | 'git-failed'
  | 'cancelled'
  | 'io';

export class FaultlineError extends Error {
  override readonly name = 'FaultlineError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    readonly details?: string,
  ) {
    super(message);
  }
}

/** Exit status for each error code, so scripts can tell failures apart. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'usage':
      return 64;
    case 'unknown-exercise':
    case 'invalid-manifest':
    case 'not-a-workspace':
      return 65;
    case 'directory-occupied':
      return 73;
    case 'runtime-unavailable':
      return 69;
    case 'not-running':
      return 3;
    case 'cancelled':
      return 130;
    case 'service-failed':
    case 'port-in-use':
      return 70;
    default:
      return 1;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

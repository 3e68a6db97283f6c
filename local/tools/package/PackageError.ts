/** Why a deployment package could not be built. */
export type PackageErrorCode =
  | 'NOT_BUILT'
  | 'NO_ENTRY_POINT'
  | 'NO_LOCKFILE'
  | 'NOT_INSTALLED'
  | 'STALE_NODE_MODULES'
  | 'MISSING_TARGET_BINARY'
  | 'UNRESOLVED_REQUIRE';

/** A package that cannot be built correctly; the message names the file or package and what to do. */
export class PackageError extends Error {
  override readonly name = 'PackageError';

  constructor(
    readonly code: PackageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

import type { RetryDecision } from '../../shared/util/RetryDecision';

/** Stable codes for everything that can go wrong starting, running or stopping a local service. */
export type ServiceErrorCode =
  /** The requested port is already bound by another process. */
  | 'PORT_IN_USE'
  /** The service process exited before it answered. */
  | 'EXITED_DURING_START'
  /** The service did not answer within the start timeout. */
  | 'START_TIMEOUT'
  /** A file the service needs (package entry point, compiled child script) was not found. */
  | 'NOT_INSTALLED'
  /** The persisted Cosmos snapshot exists but cannot be read or parsed. */
  | 'BAD_SNAPSHOT'
  /** The service process did not stop cleanly (non-zero exit after SIGTERM). */
  | 'STOP_FAILED'
  /** A client option was asked for an endpoint this helper must not weaken TLS for. */
  | 'NOT_LOCAL_ENDPOINT';

/** A local service (Azurite, the Cosmos server) could not be started or stopped. */
export class ServiceError extends Error implements RetryDecision {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceError';
  }

  /** Only a timeout may succeed on a second try (a slow machine); the other codes need a fix first. */
  canRetry(): boolean {
    return this.code === 'START_TIMEOUT';
  }
}

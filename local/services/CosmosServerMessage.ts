/** What the Cosmos child process tells its parent over the IPC channel. */
export type CosmosServerMessage =
  | {
      type: 'ready';
      /** The port actually bound (the requested one, or the OS's pick for 0). */
      port: number;
      /** Documents put back from the snapshot file. */
      restoredDocuments: number;
      /** Time spent restoring, in ms. */
      restoreMs: number;
    }
  | {
      type: 'failed';
      /** The error's code when it has one: a ServiceErrorCode such as BAD_SNAPSHOT, or an errno such as EADDRINUSE. */
      code: string | undefined;
      message: string;
    };

export function isCosmosServerMessage(value: unknown): value is CosmosServerMessage {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  if (value.type === 'ready') return 'port' in value && typeof value.port === 'number';
  return value.type === 'failed' && 'message' in value && typeof value.message === 'string';
}

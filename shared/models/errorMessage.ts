/** The message of anything thrown, for wrapping foreign errors (onnxruntime, protobufjs) into ModelError. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Secrets shorter than this are not searched for: redacting every "k" of a message would destroy it. */
const MIN_SECRET_LENGTH = 6;

/** `text` with every occurrence of each secret replaced by `[redacted]`, so a provider echoing our key cannot leak it. */
export function redactSecret(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    out = out.split(secret).join('[redacted]');
  }
  return out;
}

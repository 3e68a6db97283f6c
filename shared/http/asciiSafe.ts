/**
 * Everything outside printable ASCII escaped (\uXXXX): control characters, bidi overrides and lone surrogates a
 * caller sent cannot disguise a message that quotes them.
 */
export function asciiSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

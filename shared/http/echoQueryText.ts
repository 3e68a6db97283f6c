import { asciiSafe } from './asciiSafe';

/** A caller's text as an error message shows it: JSON-quoted, at most 64 characters of it, printable ASCII only. */
export function echoQueryText(text: string): string {
  return asciiSafe(JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}...` : text));
}

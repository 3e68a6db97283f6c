/**
 * JSON safe inside a `<script type="application/json">` block: no `<`, `>` or `&` (so no `</script>` or comment
 * opener can end the block early) and no line separators, each written as its \uXXXX escape.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A body as text, or why it is no answer at all: empty, not UTF-8, or an HTML page (an error page sent with 200). */
export function responseText(
  bytes: Buffer,
  contentType: string,
  expected: string,
): { ok: true; text: string } | { ok: false; reason: string } {
  if (bytes.length === 0) return { ok: false, reason: `the body is empty, expected ${expected}` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, reason: 'the body is not valid UTF-8' };
  }
  if (text.trim() === '') return { ok: false, reason: `the body is blank, expected ${expected}` };
  const head = text.trimStart().slice(0, 512).toLowerCase();
  if (
    /^text\/html|^application\/xhtml/i.test(contentType.trim()) ||
    head.startsWith('<!doctype html') ||
    head.startsWith('<html') ||
    (head.startsWith('<') && head.includes('<body'))
  ) {
    const title = /<title[^>]*>([^<]{0,120})/i.exec(text)?.[1]?.trim();
    return {
      ok: false,
      reason: `the body is an HTML page${title ? ` titled ${JSON.stringify(title)}` : ''} (content-type ${JSON.stringify(contentType)}), expected ${expected}: an error page sent with status 200`,
    };
  }
  return { ok: true, text };
}

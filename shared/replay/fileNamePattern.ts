/** A file-name pattern split into the regular expression that finds its time and the luxon format of that time. */
export interface FileNamePattern {
  regex: RegExp;
  /** The luxon format inside the braces. */
  timeFormat: string;
}

/** `cam_{yyyyMMdd_HHmm}.png` -> /^cam_(.+)\.png$/ and `yyyyMMdd_HHmm`. */
export function fileNamePattern(pattern: string): FileNamePattern {
  const m = /^([^{}]*)\{([^{}]+)\}([^{}]*)$/.exec(pattern);
  if (!m)
    throw new RangeError(
      `file name pattern ${JSON.stringify(pattern)} must hold one {luxon format}, e.g. "cam_{yyyyMMdd_HHmm}.png"`,
    );
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { regex: new RegExp(`^${escape(m[1] as string)}(.+?)${escape(m[3] as string)}$`), timeFormat: m[2] as string };
}

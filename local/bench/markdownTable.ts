/** A column of a Markdown table: its header and whether numbers line up on the right. */
export interface MarkdownColumn {
  header: string;
  align?: 'left' | 'right';
}

/** A GitHub Markdown table; a `|` inside a cell is escaped so it cannot split the row. */
export function markdownTable(columns: readonly MarkdownColumn[], rows: readonly (readonly string[])[]): string {
  if (columns.length === 0) throw new RangeError('a table needs at least one column');
  rows.forEach((row, i) => {
    if (row.length !== columns.length)
      throw new RangeError(`row ${i} has ${row.length} cells, the table has ${columns.length} columns`);
  });
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [
    `| ${columns.map((c) => cell(c.header)).join(' | ')} |`,
    `| ${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

import type { Readable, Writable } from 'node:stream';

/** Options for {@link OutputTail}. */
export interface OutputTailOptions {
  /** How many of the latest lines to keep for error messages. */
  maxLines?: number;
  /** Where to echo each line, e.g. `process.stderr`; nothing is echoed when absent. */
  forwardTo?: Writable;
  /** Put before each echoed line, e.g. `[azurite] `. */
  prefix?: string;
  /** Called with every complete line (without its newline). */
  onLine?: (line: string) => void;
}

export const DEFAULT_OUTPUT_TAIL_OPTIONS = {
  /** Enough to show a stack trace, short enough for an error message. */
  maxLines: 40,
} as const;

/** Keeps the last lines a child process wrote, so a start-up failure can show why. */
export class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly maxLines: number;

  constructor(
    streams: ReadonlyArray<Readable | null>,
    private readonly options: OutputTailOptions = {},
  ) {
    this.maxLines = options.maxLines ?? DEFAULT_OUTPUT_TAIL_OPTIONS.maxLines;
    for (const stream of streams) {
      if (!stream) continue;
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => this.push(chunk));
      stream.on('end', () => this.flush());
    }
  }

  /** The kept lines, oldest first, joined for an error message; `(no output)` when empty. */
  text(): string {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.length > 0 ? all.join('\n') : '(no output)';
  }

  private push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  private flush(): void {
    if (this.partial) this.add(this.partial);
    this.partial = '';
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.shift();
    this.options.onLine?.(line);
    this.options.forwardTo?.write(`${this.options.prefix ?? ''}${line}\n`);
  }
}

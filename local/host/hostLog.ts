import type { RpcLogLevel } from './workerContract';

/** One log line of the host or of a function. */
export interface HostLogEntry {
  /** Clock time of the line (virtual when the host runs on a virtual clock). */
  time: Date;
  level: Exclude<RpcLogLevel, 'none'>;
  /** `user` for `context.log` and friends, `system` for the library and the host itself. */
  category: 'user' | 'system';
  functionName?: string;
  invocationId?: string;
  message: string;
}

/** Where the host writes its log lines. */
export type HostLogSink = (entry: HostLogEntry) => void;

const LEVEL_RANK: Record<HostLogEntry['level'], number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
};

/** Maps a worker log level to ours; `none` means the line is dropped. */
export function toHostLogLevel(level: RpcLogLevel): HostLogEntry['level'] | undefined {
  return level === 'none' ? undefined : level;
}

/**
 * Writes lines to the console like Core Tools: `[time] [function] [invocation] message`, on the console method
 * of the level so stderr gets warnings and errors. Lines below `minLevel` are dropped.
 */
export function consoleLogSink(minLevel: HostLogEntry['level'] = 'information'): HostLogSink {
  const min = LEVEL_RANK[minLevel];
  return (entry) => {
    if (LEVEL_RANK[entry.level] < min) return;
    const where = entry.functionName === undefined ? '' : ` [${entry.functionName}]`;
    const id = entry.invocationId === undefined ? '' : ` [${entry.invocationId.slice(0, 8)}]`;
    const line = `[${entry.time.toISOString()}]${where}${id} ${entry.message}`;
    switch (entry.level) {
      case 'trace':
      case 'debug':
        console.debug(line);
        break;
      case 'information':
        console.info(line);
        break;
      case 'warning':
        console.warn(line);
        break;
      default:
        console.error(line);
    }
  };
}

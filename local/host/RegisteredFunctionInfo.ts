/** A discovered function as the host reports it (what Core Tools prints at start-up). */
export interface RegisteredFunctionInfo {
  name: string;
  /** Binding type of the trigger: `timerTrigger`, `blobTrigger`, `httpTrigger`, ... */
  triggerType: string;
  /** Timer: the schedule as registered, possibly with `%SETTING%` references. */
  schedule?: string;
  /** Timer: the schedule the host runs, settings resolved. */
  resolvedSchedule?: string;
  /** Blob: the path as registered (`images/{name}`). */
  path?: string;
  /** Blob: the path the host watches, settings resolved. */
  resolvedPath?: string;
  /** Queue: the queue name as registered. */
  queueName?: string;
  /** Queue: the queue the host reads, settings resolved. */
  resolvedQueueName?: string;
  /** Blob and queue: name of the setting holding the connection. */
  connection?: string;
  /** Blob: `EventGrid` or `LogsAndContainerScan` when set. */
  source?: string;
  /** HTTP: the route template (the function name unless set). */
  route?: string;
  /** HTTP: accepted methods, upper case. */
  methods?: string[];
  /** HTTP: the declared key level (not enforced locally, as in Core Tools). */
  authLevel?: string;
  /** The retry policy, as the library registered it. */
  retry?: { strategy: string; maxRetryCount: number };
  /** Bindings other than the trigger (`$return` and extra inputs/outputs), by name and type. */
  otherBindings: { name: string; type: string; direction: string }[];
}

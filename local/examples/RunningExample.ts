/** An example provider server that is listening: where to reach it and how to stop it. */
export interface RunningExample {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  url: string;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
}

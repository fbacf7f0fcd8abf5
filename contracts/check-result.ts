// The verdict of one hidden check, as the kit reports it and the lab UI, the runner and the CLI show it.

export interface TaskResult {
  id: string;
  title: string;
  passed: boolean;
  /** What was observed, in the reader's terms. Never test code. */
  message: string;
}

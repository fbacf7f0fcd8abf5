// Messages between the page (client.ts) and the analysis worker (worker.ts).
import type { Progress, Report } from './analyze.ts';

/** A snapshot to analyse: its bytes (transferred, not copied) or a URL the worker streams from. */
export type SnapshotInput = ArrayBuffer | { url: string };

export interface AnalyzeMessage {
  type: 'analyze';
  id: number;
  snapshots: SnapshotInput[];
  labels?: string[];
  pathClasses?: number;
  samplesPerClass?: number;
}

export type WorkerReply =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'result'; id: number; report: Report }
  | { type: 'error'; id: number; message: string };

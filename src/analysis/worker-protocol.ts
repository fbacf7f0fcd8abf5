// Messages between the page (client.ts) and the analysis worker (worker.ts).
import type { Progress, Report } from './analyze.ts';
import type { InstanceInfo, RetainerLevel, RetainerQuery } from './retainer-explorer.ts';

/** A snapshot to analyse: its bytes (transferred, not copied) or a URL the worker streams from. */
export type SnapshotInput = ArrayBuffer | { url: string };

export interface AnalyzeMessage {
  /** 'analyze' answers once and is done; 'open' keeps the last snapshot for retainer queries. */
  type: 'analyze' | 'open';
  id: number;
  snapshots: SnapshotInput[];
  labels?: string[];
  pathClasses?: number;
  samplesPerClass?: number;
}

export type QueryMessage =
  | { type: 'retainers'; id: number; query: RetainerQuery }
  | { type: 'instances'; id: number; className: string; limit?: number };

export type WorkerMessage = AnalyzeMessage | QueryMessage;

export type WorkerReply =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'result'; id: number; report: Report }
  | { type: 'retainers'; id: number; level: RetainerLevel }
  | { type: 'instances'; id: number; total: number; items: InstanceInfo[] }
  | { type: 'error'; id: number; message: string };

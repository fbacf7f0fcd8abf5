// The local runner's HTTP API (server/api.ts serves it, src/runtime/local.ts calls it). Every route needs
// the per-start token (Authorization: Bearer <token>) and passes the Host/Origin gates in server/handler.ts.
//   GET    /api/health                       -> HealthReply
//   POST   /api/runs StartRunRequest         -> 201 StartRunReply
//   GET    /api/runs/:id/events              -> NDJSON stream of RuntimeEvents (replayed from the start)
//   POST   /api/runs/:id/commands LabCommand -> 202 CommandReply
//   GET    /api/runs/:id/files               -> FilesReply: the reader's files as they are in the workspace
//   GET    /api/runs/:id/snapshots?path=...  -> heap snapshot bytes (only from the run's snapshots/)
//   GET    /api/runs/:id/profiles?path=...   -> profile bytes, .pb.gz or .heapprofile (only from the run's profiles/)
//   DELETE /api/runs/:id                     -> StopReply
// Any refusal                               -> 4xx/5xx ErrorReply

export interface HealthReply {
  ok: true;
  runs: number;
  maxRuns: number;
}

export interface StartRunRequest {
  labId: string;
  /** the reader's editable files: path relative to the lab's app folder -> text */
  files: Record<string, string>;
}

export interface StartRunReply {
  runId: string;
}

export type CommandReply = Record<string, never>;

export interface FilesReply {
  files: Record<string, string>;
}

export interface StopReply {
  stopped: true;
}

export interface ErrorReply {
  /** what went wrong, in the reader's words */
  error: string;
}

export const runnerRoutes = {
  health: '/api/health',
  runs: '/api/runs',
  run: (runId: string) => `/api/runs/${encodeURIComponent(runId)}`,
  events: (runId: string) => `/api/runs/${encodeURIComponent(runId)}/events`,
  commands: (runId: string) => `/api/runs/${encodeURIComponent(runId)}/commands`,
  files: (runId: string) => `/api/runs/${encodeURIComponent(runId)}/files`,
  snapshot: (runId: string, path: string) =>
    `/api/runs/${encodeURIComponent(runId)}/snapshots?path=${encodeURIComponent(path)}`,
  profile: (runId: string, path: string) =>
    `/api/runs/${encodeURIComponent(runId)}/profiles?path=${encodeURIComponent(path)}`,
} as const;

// LabRuntime over the local runner's HTTP API (server/start.ts). The runner injects a per-start
// token into every page it serves; every call carries it. Events arrive as one NDJSON stream per run.
import type { LabCommand } from '../../kit/protocol.ts';
import type { Capabilities } from '../../kit/types.ts';
import { readNdjson } from './ndjson.ts';
import type { LabFiles, LabRuntime, RuntimeEvent } from './types.ts';

export const RUNNER_META = 'leakbook-runner';

export interface LocalRuntimeOptions {
  /** Per-start token; defaults to the <meta name="leakbook-runner"> of the page. */
  token?: string;
  /** Runner origin; defaults to the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

export function runnerToken(doc: Document | undefined = globalThis.document): string | null {
  const meta = doc?.querySelector?.(`meta[name="${RUNNER_META}"]`);
  return meta?.getAttribute('content') || null;
}

/** Error from the runner, carrying its HTTP status and its own explanation. */
export class RunnerError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function failure(res: Response): Promise<RunnerError> {
  let message = `The local runner answered ${res.status} ${res.statusText}.`;
  try {
    const body = (await res.json()) as { error?: string };
    if (body?.error) message = body.error;
  } catch {
    // keep the generic message
  }
  return new RunnerError(res.status, message);
}

export async function runnerHealth(opts: LocalRuntimeOptions = {}): Promise<{ ok: boolean; reason?: string }> {
  const token = opts.token ?? runnerToken();
  if (!token) return { ok: false, reason: 'This page was not served by the local runner (start it with `npm start`).' };
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  try {
    const res = await doFetch(`${opts.baseUrl ?? ''}/api/health`, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) return { ok: false, reason: (await failure(res)).message };
    return { ok: true };
  } catch {
    return { ok: false, reason: 'The local runner does not answer; is `npm start` still running?' };
  }
}

export function createLocalRuntime(opts: LocalRuntimeOptions = {}): LabRuntime {
  const base = opts.baseUrl ?? '';
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const listeners = new Set<(event: RuntimeEvent) => void>();
  let runId: string | null = null;
  let stream: AbortController | null = null;
  let caps: Capabilities | null = null;
  let disposed = false;

  const token = () => {
    const t = opts.token ?? runnerToken();
    if (!t) throw new RunnerError(0, 'This page was not served by the local runner, so labs cannot run locally. Start it with `npm start`.');
    return t;
  };
  const headers = (extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${token()}`, ...extra });
  const emit = (event: RuntimeEvent) => {
    if (event.type === 'ready') caps = event.caps;
    for (const l of listeners) l(event);
  };

  async function api(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
        ...init,
      });
    } catch {
      throw new RunnerError(0, 'The local runner does not answer; is `npm start` still running?');
    }
    if (!res.ok) throw await failure(res);
    return res;
  }

  async function stopCurrent(): Promise<void> {
    const id = runId;
    runId = null;
    stream?.abort();
    stream = null;
    if (id) await api('DELETE', `/api/runs/${id}`).catch(() => undefined);
  }

  function follow(id: string, res: Response, controller: AbortController): void {
    if (!res.body) return;
    let ended = false;
    readNdjson(res.body, (value) => {
      const event = value as RuntimeEvent;
      if (event.type === 'stopped') ended = true;
      emit(event);
    })
      .catch(() => undefined)
      .finally(() => {
        // The stream ending without a 'stopped' event means the runner went away.
        if (!ended && !controller.signal.aborted && runId === id)
          emit({ type: 'stopped', reason: 'Lost contact with the local runner; is `npm start` still running?' });
        // runId stays: the runner keeps a stopped run's snapshots readable until the next start or dispose.
      });
  }

  const onPageHide = () => {
    // keepalive lets the DELETE outlive the page; the runner also stops runs whose stream closed.
    if (runId) void doFetch(`${base}/api/runs/${runId}`, { method: 'DELETE', headers: headers(), keepalive: true }).catch(() => undefined);
  };

  return {
    kind: 'local',
    async start(labId: string, files: LabFiles) {
      if (disposed) throw new Error('This lab runtime was closed; create a new one.');
      await stopCurrent();
      caps = null;
      const created = (await (await api('POST', '/api/runs', { labId, files })).json()) as { runId: string };
      runId = created.runId;
      const controller = new AbortController();
      stream = controller;
      const res = await api('GET', `/api/runs/${created.runId}/events`, undefined, { signal: controller.signal });
      follow(created.runId, res, controller);
      globalThis.addEventListener?.('pagehide', onPageHide);
    },
    async send(command: LabCommand) {
      if (!runId) throw new RunnerError(409, 'The lab is not running; press Run first.');
      await api('POST', `/api/runs/${runId}/commands`, command);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async readSnapshot(path: string) {
      if (!runId) throw new RunnerError(409, 'There is no lab run to read snapshots from; press Run first.');
      const res = await api('GET', `/api/runs/${runId}/snapshots?path=${encodeURIComponent(path)}`);
      return res.arrayBuffer();
    },
    capabilities: () => caps,
    async dispose() {
      if (disposed) return;
      disposed = true;
      globalThis.removeEventListener?.('pagehide', onPageHide);
      await stopCurrent();
      listeners.clear();
    },
  };
}

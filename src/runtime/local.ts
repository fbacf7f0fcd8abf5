// LabRuntime over the local runner's HTTP API (server/start.ts). The runner injects a per-start
// token into every page it serves; every call carries it. Events arrive as one NDJSON stream per run.
import type { Capabilities, LabCommand } from '../../contracts/lab-protocol.ts';
import { runnerRoutes, type ErrorReply, type StartRunReply, type StartRunRequest } from '../../contracts/runner-api.ts';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import { readNdjson } from './ndjson.ts';
import type { LabFiles, LabRuntime } from './types.ts';

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
    const body: Partial<ErrorReply> | null = await res.json();
    if (typeof body?.error === 'string') message = body.error;
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
    const res = await doFetch(`${opts.baseUrl ?? ''}${runnerRoutes.health}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
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
    if (!t)
      throw new RunnerError(
        0,
        'This page was not served by the local runner, so labs cannot run locally. Start it with `npm start`.',
      );
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
    if (id) await api('DELETE', runnerRoutes.run(id)).catch(() => undefined);
  }

  function follow(id: string, res: Response, controller: AbortController): void {
    if (!res.body) return;
    let ended = false;
    readNdjson<RuntimeEvent>(res.body, (event) => {
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
    if (runId)
      void doFetch(`${base}${runnerRoutes.run(runId)}`, {
        method: 'DELETE',
        headers: headers(),
        keepalive: true,
      }).catch(() => undefined);
  };

  return {
    kind: 'local',
    async start(labId: string, files: LabFiles) {
      if (disposed) throw new Error('This lab runtime was closed; create a new one.');
      await stopCurrent();
      caps = null;
      const request: StartRunRequest = { labId, files };
      const created: StartRunReply = await (await api('POST', runnerRoutes.runs, request)).json();
      runId = created.runId;
      const controller = new AbortController();
      stream = controller;
      const res = await api('GET', runnerRoutes.events(created.runId), undefined, { signal: controller.signal });
      follow(created.runId, res, controller);
      globalThis.addEventListener?.('pagehide', onPageHide);
    },
    async send(command: LabCommand) {
      if (!runId) throw new RunnerError(409, 'The lab is not running; press Run first.');
      await api('POST', runnerRoutes.commands(runId), command);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async readSnapshot(path: string) {
      if (!runId) throw new RunnerError(409, 'There is no lab run to read snapshots from; press Run first.');
      const res = await api('GET', runnerRoutes.snapshot(runId, path));
      return res.arrayBuffer();
    },
    async readProfile(path: string) {
      if (!runId) throw new RunnerError(409, 'There is no lab run to read profiles from; press Run first.');
      const res = await api('GET', runnerRoutes.profile(runId, path));
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

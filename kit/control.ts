// ServiceControl and ScenarioContext: how scenarios and checks (running in the supervisor) see the service.
import { httpRequest } from './http-client.ts';
import type { ServiceProcess } from './service-process.ts';
import type { Fixtures } from './fixtures.ts';
import type {
  Capabilities,
  HttpResult,
  Measurement,
  ProfileKind,
  RequestOptions,
  ScenarioContext,
  ServiceControl,
} from './types.ts';

let snapshotSeq = 0;

export function slug(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'snapshot'
  );
}

/** Next snapshot file, relative to the workspace: snapshots/s3-after-storm.heapsnapshot */
export function nextSnapshotFile(label: string): { id: string; file: string } {
  snapshotSeq++;
  const id = `s${snapshotSeq}`;
  return { id, file: `snapshots/${id}-${slug(label)}.heapsnapshot` };
}

let profileSeq = 0;

/** How a service writes profiles: pprof (Go, .pb.gz) or V8's sampling heap profile (Node, .heapprofile). */
export type ProfileFormat = 'pprof' | 'heapprofile';

/** The profile format of a service by its capabilities, null when it writes none. */
export function profileFormat(caps: Capabilities | null): ProfileFormat | null {
  if (caps?.pprof) return 'pprof';
  if (caps?.allocationSampling) return 'heapprofile';
  return null;
}

/**
 * Next profile file, relative to the workspace: profiles/p2-heap-after-storm.pb.gz, or for a Node
 * service profiles/p2-heap-after-storm.heapprofile (the name Chrome DevTools gives it).
 */
export function nextProfileFile(
  kind: ProfileKind,
  label: string,
  format: ProfileFormat = 'pprof',
): { id: string; file: string } {
  profileSeq++;
  const id = `p${profileSeq}`;
  return { id, file: `profiles/${id}-${kind}-${slug(label)}.${format === 'pprof' ? 'pb.gz' : 'heapprofile'}` };
}

export function createControl(service: ServiceProcess, signal: AbortSignal): ServiceControl {
  const exitsFrom = service.exits.length;
  const warningsFrom = service.warnings.length;
  return {
    get baseUrl() {
      return `http://127.0.0.1:${service.port}`;
    },
    get caps(): Capabilities {
      if (!service.caps) throw new Error('the service has not started yet');
      return service.caps;
    },
    async request(p: string, init?: RequestOptions): Promise<HttpResult> {
      if (!service.alive()) {
        // mid-restart (after a crash): wait for the new process rather than failing at once
        try {
          await service.whenReady(init?.timeoutMs ?? 10_000);
        } catch (err) {
          return { status: 0, headers: {}, body: Buffer.alloc(0), aborted: true, error: (err as Error).message };
        }
      }
      return httpRequest(service.port, p, init, signal);
    },
    measure(opts?: { gc?: boolean; count?: string[]; resources?: boolean }): Promise<Measurement> {
      return service.measure(opts);
    },
    async snapshot(): Promise<string | null> {
      if (!service.caps?.heapSnapshot) return null;
      const { file } = nextSnapshotFile('check');
      const r = await service.snapshot(file);
      return r.path;
    },
    async profile(kind: ProfileKind): Promise<string | null> {
      const format = profileFormat(service.caps);
      if (!format || (format === 'heapprofile' && kind !== 'heap')) return null;
      const { file } = nextProfileFile(kind, 'check', format);
      const r = await service.profile(kind, file);
      return r.path;
    },
    tempFiles: () => service.tempFiles(),
    warnings: () => service.warnings.slice(warningsFrom),
    exits: () => service.exits.slice(exitsFrom),
    alive: () => service.alive(),
    async restart(): Promise<void> {
      await service.stop();
      await service.start();
    },
  };
}

export function createScenarioContext(opts: {
  service: ServiceControl;
  fixture: Fixtures;
  timeScale: number;
  signal: AbortSignal;
  progress(message: string): void;
}): ScenarioContext {
  return {
    service: opts.service,
    fixture: opts.fixture,
    progress: opts.progress,
    signal: opts.signal,
    timeScale: opts.timeScale,
    ms: (labMs: number) => Math.max(1, Math.round(labMs * opts.timeScale)),
  };
}

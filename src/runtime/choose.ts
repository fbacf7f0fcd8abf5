// Which runtime a lab uses: the local runner when this page came from `npm start` and the runner
// answers, otherwise WebContainer when the page is cross-origin isolated. The Lab UI shows the list
// as a switch; adapters load only when chosen, so chapter pages stay light.
import { runnerHealth, runnerToken } from './local.ts';
import { RUNTIME_KEY } from '../../contracts/storage-keys.ts';
import type { LabRuntime, RuntimeAvailability, RuntimeKind } from './types.ts';
import { webContainerSupport } from './webcontainer-support.ts';

export async function listRuntimes(): Promise<RuntimeAvailability[]> {
  const local: RuntimeAvailability = runnerToken()
    ? await runnerHealth().then((h) => ({ kind: 'local' as const, available: h.ok, reason: h.reason }))
    : {
        kind: 'local',
        available: false,
        reason: 'Only when the workbook is opened through `npm start` (the local runner).',
      };
  const support = webContainerSupport();
  const webcontainer: RuntimeAvailability = { kind: 'webcontainer', available: support.ok, reason: support.reason };
  return [local, webcontainer];
}

/** The kind to use: the saved or given preference when available, else the first available one. */
export function pickRuntime(list: RuntimeAvailability[], preferred?: RuntimeKind | null): RuntimeKind | null {
  const usable = list.filter((r) => r.available);
  return usable.find((r) => r.kind === preferred)?.kind ?? usable[0]?.kind ?? null;
}

export async function createRuntime(kind: RuntimeKind): Promise<LabRuntime> {
  if (kind === 'local') {
    const { createLocalRuntime } = await import('./local.ts');
    return createLocalRuntime();
  }
  const { createWebContainerRuntime } = await import('./webcontainer.ts');
  return createWebContainerRuntime();
}

export function savedRuntimePreference(): RuntimeKind | null {
  try {
    const v = globalThis.localStorage?.getItem(RUNTIME_KEY);
    return v === 'local' || v === 'webcontainer' ? v : null;
  } catch {
    return null;
  }
}

export function saveRuntimePreference(kind: RuntimeKind): void {
  try {
    globalThis.localStorage?.setItem(RUNTIME_KEY, kind);
  } catch {
    // storage blocked: the automatic choice still works
  }
}

/** Convenience for the Lab UI: the list, the chosen kind and a runtime of that kind. */
export async function chooseRuntime(): Promise<{
  list: RuntimeAvailability[];
  runtime: LabRuntime | null;
  reason?: string;
}> {
  const list = await listRuntimes();
  const kind = pickRuntime(list, savedRuntimePreference());
  if (!kind)
    return {
      list,
      runtime: null,
      reason: `No way to run labs here. ${list
        .map((r) => r.reason)
        .filter(Boolean)
        .join(' ')}`,
    };
  return { list, runtime: await createRuntime(kind) };
}

// The one interface between the Lab UI and wherever a lab runs. Components never know which
// implementation they hold; both adapters speak the kit protocol underneath.
import type { Capabilities, LabCommand } from '../../contracts/lab-protocol.ts';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';

export type RuntimeKind = 'local' | 'webcontainer';

/** Files of the reader's lab: path relative to the lab's app folder -> text. */
export type LabFiles = Record<string, string>;

export interface RuntimeAvailability {
  kind: RuntimeKind;
  available: boolean;
  /** Why not, in the reader's words (unsupported browser, third-party cookies blocked, no runner). */
  reason?: string;
}

export interface LabRuntime {
  readonly kind: RuntimeKind;
  /** Start (or restart) the lab with the reader's files; resolves once the supervisor runs. */
  start(labId: string, files: LabFiles): Promise<void>;
  /** Send a command to the running lab (scenario, snapshot, profile, check, restart, stop). */
  send(command: LabCommand): Promise<void>;
  /** Every protocol event, plus the lab's plain output as { type: 'output' }. Returns unsubscribe. */
  subscribe(listener: (event: RuntimeEvent) => void): () => void;
  /** Bytes of a heap snapshot named by a 'snapshot' event. */
  readSnapshot(path: string): Promise<ArrayBuffer>;
  /** Bytes of a profile named by a 'profile' event: .pb.gz (Go labs) or .heapprofile (Node labs). */
  readProfile(path: string): Promise<ArrayBuffer>;
  /** What the runtime's Node can measure, once known (after 'ready'). */
  capabilities(): Capabilities | null;
  /** Stop the lab and free everything (processes, workspace, container). Safe to call twice. */
  dispose(): Promise<void>;
}

// Traffic between the lab supervisor and the service host it spawned (inside the kit; never reaches the
// page). The host's first stdin line is its channel key, then requests follow as JSON lines; replies
// ({ r: HostReply }) and the host's own events ({ e: LabEvent }: ready, metrics, warning…) come back
// sealed on the host's descriptor 3 (kit/seal.ts), from kit/host.ts and kit/go alike.

import type { ProfileKind } from './lab-protocol.ts';

export type HostRequest =
  | { id: number; op: 'measure'; gc?: boolean; count?: string[]; resources?: boolean }
  | { id: number; op: 'snapshot'; file: string }
  /**
   * Write a profile to file (under profiles/): Go hosts a pprof profile (.pb.gz) of any kind, Node hosts
   * the sampling heap profile (kind 'heap' only, .heapprofile JSON); reply { path, bytes, kind }
   */
  | { id: number; op: 'profile'; kind: ProfileKind; file: string }
  | { id: number; op: 'stop' };

export type HostReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

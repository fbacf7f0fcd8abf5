// Traffic between the lab supervisor and the service host it spawned (inside the kit; never reaches the
// page). Requests go to the host's stdin as JSON lines; replies come back on the host's stdout behind
// HOST_REPLY_PREFIX, which decodeEvent() does not match ("\u001eLBH " is not "\u001eLB "). The host's
// own events (ready, metrics, warning…) use the lab protocol (lab-protocol.ts).

import type { ProfileKind } from './lab-protocol.ts';

export const HOST_REPLY_PREFIX = '\u001eLBH ';

export type HostRequest =
  | { id: number; op: 'measure'; gc?: boolean; count?: string[]; resources?: boolean }
  | { id: number; op: 'snapshot'; file: string }
  /** Go hosts: write a pprof profile to file (under profiles/) */
  | { id: number; op: 'profile'; kind: ProfileKind; file: string }
  | { id: number; op: 'stop' };

export type HostReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

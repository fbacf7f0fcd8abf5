// A recorded run of a Go lab: labs/<lab>/recordings/index.json beside the .pb.gz files it names. Written by
// `npm run lab -- record-profiles` (server/record-profiles.ts); the page shows these profiles where the lab
// cannot run (no Go toolchain), so the reader still compares real pprof output.
import type { ProfileKind } from './lab-protocol.ts';

export interface ProfileRecording {
  labId: string;
  recordedAt: string;
  /** runtime.Version() of the service that wrote the profiles */
  goVersion: string;
  /** which code ran: the lab's starter (the incident) or its solution */
  code: 'starter' | 'solution';
  /** the scenario run between the baseline and the "after" profiles */
  scenario: string;
  profiles: Array<{ file: string; kind: ProfileKind; label: string }>;
}

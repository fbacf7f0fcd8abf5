// What a LabRuntime hands the lab UI: every lab protocol event, the lab's plain output, and the end of the
// run. The local runner streams these as NDJSON (runner-api.ts); the WebContainer adapter makes them itself.
import type { LabEvent } from './lab-protocol.ts';

export type RuntimeEvent = LabEvent | { type: 'output'; text: string } | { type: 'stopped'; reason: string };

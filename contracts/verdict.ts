// The verdict channel: how a Check's results travel from the lab supervisor to whoever started it,
// apart from everything the lab's own code can print. Each line is `<mac> <body>`: mac is the hex
// HMAC-SHA256 of body under the run's secret, body the JSON of a VerdictRecord. The secret is handed to
// the supervisor on the channel itself (local runner, CLI) or in its argv (WebContainer), never to the
// service; each Check has a nonce the starter chose, so a record from another Check is not accepted.
//   local runner / CLI: file descriptor VERDICT_FD of the supervisor (a pipe the service does not inherit);
//                       the first line written to it is the secret
//   WebContainer:       lines appended to the file named by --verdict-file (outside the workspace)
import type { LabEvent } from './lab-protocol.ts';

export const VERDICT_FD = 3;
export const VERDICT_FD_ARG = '--verdict-fd';
export const VERDICT_FILE_ARG = '--verdict-file';
export const VERDICT_SECRET_ARG = '--verdict-secret';

export type CheckEvent = Extract<LabEvent, { type: 'check' }>;

export interface VerdictRecord {
  /** the nonce of the check command this record answers */
  nonce: string;
  /** 0, 1, 2… within one Check: start, every task, end */
  seq: number;
  event: CheckEvent;
}

/** Split a sealed line; null when it is not shaped like one. */
export function splitSealed(line: string): { mac: string; body: string } | null {
  const m = /^([0-9a-f]{64}) (.+)$/.exec(line);
  return m ? { mac: m[1], body: m[2] } : null;
}

export function parseRecord(body: string): VerdictRecord | null {
  try {
    const r = JSON.parse(body) as VerdictRecord;
    if (typeof r?.nonce !== 'string' || typeof r.seq !== 'number' || r.event?.type !== 'check') return null;
    return r;
  } catch {
    return null;
  }
}

/**
 * Accepts the records of one Check in order: the right nonce, the next seq, nothing after 'end'.
 * Everything else is refused with the reason, so a forger is told why.
 */
export class VerdictGate {
  private next = 0;
  private ended = false;
  readonly nonce: string;
  constructor(nonce: string) {
    this.nonce = nonce;
  }

  accept(r: VerdictRecord): { ok: true; event: CheckEvent } | { ok: false; reason: string } {
    if (this.ended) return { ok: false, reason: 'this Check already has its result' };
    if (r.nonce !== this.nonce) return { ok: false, reason: 'the record belongs to another Check' };
    if (r.seq !== this.next) return { ok: false, reason: `record ${r.seq} arrived where ${this.next} was due` };
    this.next++;
    if (r.event.phase === 'end') this.ended = true;
    return { ok: true, event: r.event };
  }

  get done(): boolean {
    return this.ended;
  }
}

/** The message shown when a check result arrives on the lab's own output instead of the channel. */
export const FORGED_VERDICT_MESSAGE =
  "Ignored a check result printed on the lab's output: Check results come only from the hidden checks, never from the lab's own code.";

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** HMAC-SHA256 with WebCrypto (the page; Node has it too). */
export async function hmacHex(secretHex: string, body: string): Promise<string> {
  const raw = new Uint8Array(secretHex.match(/../g)!.map((h) => parseInt(h, 16)));
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return hex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)));
}

/** Random hex (secrets, nonces) from WebCrypto. */
export function randomHex(bytes = 32): string {
  return hex(crypto.getRandomValues(new Uint8Array(bytes)).buffer);
}

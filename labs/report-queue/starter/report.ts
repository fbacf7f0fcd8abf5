// One report as the service stores it until it is sent: what a client sent, plus the service's
// sequence number (arrival order) and the lab time it arrived.
export class Report {
  readonly seq: number;
  readonly source: string;
  readonly kind: string;
  readonly value: number;
  /** lab ms (the lab's clock, see server.ts) when the service received it */
  readonly receivedAt: number;

  constructor(seq: number, fields: { source: string; kind: string; value: number }, receivedAt: number) {
    this.seq = seq;
    this.source = fields.source;
    this.kind = fields.kind;
    this.value = fields.value;
    this.receivedAt = receivedAt;
    // what the service received stays what it received, whoever holds the report
    Object.freeze(this);
  }
}

/** Validate one report from a request body; returns a message when it is not a report. */
export function readReportFields(raw: unknown): { source: string; kind: string; value: number } | string {
  if (!raw || typeof raw !== 'object') return 'each report must be an object';
  const { source, kind, value } = raw as Record<string, unknown>;
  if (typeof source !== 'string' || typeof kind !== 'string' || typeof value !== 'number')
    return 'each report needs "source" (string), "kind" (string) and "value" (number)';
  return { source, kind, value };
}

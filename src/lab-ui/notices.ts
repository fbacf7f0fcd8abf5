// What the reader should know about the runtime's limits, in plain words, next to an alternative.
import type { Capabilities } from '../../contracts/lab-protocol.ts';
import type { RuntimeKind } from '../runtime/types.ts';

export function capabilityNotices(caps: Capabilities, kind: RuntimeKind): string[] {
  const other = kind === 'webcontainer' ? ' Switch to the local Node runner (npm start) for this.' : '';
  const out: string[] = [];
  if (!caps.heapSnapshot) out.push(`This runtime cannot take heap snapshots, so Snapshot is off.${other}`);
  if (!caps.memoryUsage)
    out.push(
      `This runtime does not report real memory usage; the chart's memory lines are not meaningful here. The lab's gauges (counts) still are.${other}`,
    );
  if (!caps.gc)
    out.push(
      `This runtime cannot force garbage collection, so memory may look higher than what is really retained.${other}`,
    );
  if (caps.heapLimitMb === null)
    out.push(
      `This runtime does not enforce the lab's heap limit, so the service will not crash with "out of memory" the way the incident did.${other}`,
    );
  return out;
}

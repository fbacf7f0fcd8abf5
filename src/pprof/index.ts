// Reading pprof profiles in the browser: decode (gunzip + protobuf), top table, -base diff, goroutines
// grouped by stack, and the call tree of a flame graph; V8's sampling heap profiles (.heapprofile, Node
// labs) are converted to the same shape.
export {
  parseProfile,
  decodeProfile,
  gunzip,
  type ParsedProfile,
  type Frame,
  type Sample,
  type SampleType,
} from './decode.ts';
export { topTable, type TopRow, type TopTable } from './top.ts';
export { diffProfiles } from './diff.ts';
export { groupGoroutines, waitReason, type GoroutineGroup, type GoroutineGroups } from './goroutines.ts';
export { callTree, type CallNode } from './tree.ts';
export { formatValue, formatPercent, shortFile } from './format.ts';
export {
  fromV8SamplingProfile,
  parseHeapProfile,
  workspaceRoot,
  V8_SAMPLE_TYPES,
  type V8SamplingProfile,
  type V8SamplingNode,
  type V8CallFrame,
} from './v8-sampling.ts';

// `go tool pprof -base base.pb.gz target.pb.gz`: the target with the base subtracted, stack by stack.
// Stacks are matched by what their frames show (function, file, line), which holds for two profiles
// of the same build; samples with different labels stay apart, as in pprof's merge (so the total, the
// 100 % of the percentages, is the one pprof prints). What grew is positive, what shrank is negative.
import { frameKey, type Frame, type ParsedProfile, type Sample } from './decode.ts';

export function diffProfiles(base: ParsedProfile, target: ParsedProfile): ParsedProfile {
  const types = target.sampleTypes.map((t) => t.type);
  const baseIndex = types.map((t) => base.sampleTypes.findIndex((b) => b.type === t));
  if (baseIndex.some((i) => i < 0))
    throw new Error(
      `These two profiles measure different things (${base.sampleTypes.map((t) => t.type).join(', ')} and ${types.join(', ')}); compare two profiles of the same kind.`,
    );
  const frames: Frame[] = [];
  const frameIds = new Map<string, number>();
  const intern = (f: Frame) => {
    const key = frameKey(f);
    let id = frameIds.get(key);
    if (id === undefined) {
      id = frames.length;
      frames.push(f);
      frameIds.set(key, id);
    }
    return id;
  };
  const merged = new Map<string, Sample>();
  const add = (p: ParsedProfile, s: Sample, values: number[]) => {
    const stack = s.stack.map((id) => intern(p.frames[id]!));
    const key = `${stack.join(',')}|${s.labels}`;
    const into = merged.get(key);
    if (into) values.forEach((v, i) => (into.values[i]! += v));
    else merged.set(key, { stack, values: [...values], labels: s.labels });
  };
  for (const s of target.samples) add(target, s, s.values);
  for (const s of base.samples)
    add(
      base,
      s,
      baseIndex.map((i) => -(s.values[i] ?? 0)),
    );
  return {
    sampleTypes: target.sampleTypes,
    defaultIndex: target.defaultIndex,
    frames,
    samples: [...merged.values()].filter((s) => s.values.some((v) => v !== 0)),
    timeMs: target.timeMs,
  };
}

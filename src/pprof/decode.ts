// A pprof profile (profile.proto, as Go's runtime/pprof writes it: gzipped protobuf) decoded with
// pprof-format into a flat shape the views need: sample types, one frame table (function, file, line;
// inlined calls expanded) and samples as stacks of frame ids, leaf first.
import { Profile } from 'pprof-format';

export interface Frame {
  /** function name as pprof prints it, e.g. main.(*MemQueue).scheduleFlush.func1 */
  name: string;
  file: string;
  line: number;
}

export interface Sample {
  /** frame ids (indexes into frames), leaf first */
  stack: number[];
  /** one value per sample type */
  values: number[];
  /** the sample's labels as one string (Go heap profiles label each sample with its allocation size);
   * pprof keeps samples with different labels apart when it merges, and so does diffProfiles */
  labels: string;
}

export interface SampleType {
  type: string;
  unit: string;
}

export interface ParsedProfile {
  sampleTypes: SampleType[];
  /** index of the sample type pprof shows by default (inuse_space for heap, alloc_space for allocs) */
  defaultIndex: number;
  frames: Frame[];
  samples: Sample[];
  /** when the profile was written (ms since the epoch), 0 when unknown */
  timeMs: number;
}

const num = (n: number | bigint | undefined): number => (typeof n === 'bigint' ? Number(n) : (n ?? 0));

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips with the platform's DecompressionStream (browsers, Node ≥ 18); plain protobuf passes through. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Frames are identified by what they show, so the same code in two profiles gets the same key. */
export function frameKey(f: Frame): string {
  return `${f.name}\u0000${f.file}\u0000${f.line}`;
}

/** Decodes the protobuf of one profile (already gunzipped). */
export function decodeProfile(raw: Uint8Array): ParsedProfile {
  const p = Profile.decode(raw);
  const str = (i: number | bigint | undefined) => p.stringTable.strings[num(i)] ?? '';
  const functions = new Map<number, { name: string; file: string; startLine: number }>();
  for (const f of p.function)
    functions.set(num(f.id), {
      name: str(f.name) || str(f.systemName),
      file: str(f.filename),
      startLine: num(f.startLine),
    });

  const frames: Frame[] = [];
  const frameIds = new Map<string, number>();
  const intern = (f: Frame): number => {
    const key = frameKey(f);
    let id = frameIds.get(key);
    if (id === undefined) {
      id = frames.length;
      frames.push(f);
      frameIds.set(key, id);
    }
    return id;
  };
  // A location with inlined calls has several lines: line[0] is the innermost (leaf-most) function.
  const locations = new Map<number, number[]>();
  for (const loc of p.location) {
    const ids = loc.line.map((l) => {
      const fn = functions.get(num(l.functionId));
      return intern({ name: fn?.name ?? '?', file: fn?.file ?? '', line: num(l.line) });
    });
    if (ids.length === 0) ids.push(intern({ name: `0x${num(loc.address).toString(16)}`, file: '', line: 0 }));
    locations.set(num(loc.id), ids);
  }

  const sampleTypes = p.sampleType.map((t) => ({ type: str(t.type), unit: str(t.unit) }));
  const samples: Sample[] = p.sample.map((s) => ({
    stack: s.locationId.flatMap((id) => locations.get(num(id)) ?? []),
    values: s.value.map(num),
    labels: s.label
      .map((l) => `${str(l.key)}=${l.str ? str(l.str) : num(l.num)}${l.numUnit ? str(l.numUnit) : ''}`)
      .sort()
      .join(','),
  }));
  const wanted = str(p.defaultSampleType);
  const named = wanted ? sampleTypes.findIndex((t) => t.type === wanted) : -1;
  return {
    sampleTypes,
    // pprof's own rule: without a default, the last sample type
    defaultIndex: named >= 0 ? named : Math.max(0, sampleTypes.length - 1),
    frames,
    samples,
    timeMs: Math.round(num(p.timeNanos) / 1e6),
  };
}

/** Bytes of a .pb.gz (or a plain .pb) to a profile. Rejects with a reader-facing message. */
export async function parseProfile(data: ArrayBuffer | Uint8Array): Promise<ParsedProfile> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  let raw: Uint8Array;
  try {
    raw = await gunzip(bytes);
  } catch {
    throw new Error('This is not a gzipped pprof profile (it could not be decompressed).');
  }
  try {
    return decodeProfile(raw);
  } catch (err) {
    throw new Error(`This is not a pprof profile: ${(err as Error).message}`, { cause: err });
  }
}

// A streaming reader for V8 .heapsnapshot files. It is not a general JSON parser: it knows the
// snapshot's top-level layout ({"snapshot":{meta},"nodes":[...],"edges":[...],...,"strings":[...]})
// and reads the big number arrays straight from bytes into typed arrays, so the JSON text is never
// held in memory — only the chunk being read. Runs unchanged in Node and in a Web Worker.
import { formatBytes } from '../../contracts/format.ts';
import { BufferPool } from './buffer-pool.ts';
import { edgeTypeCodes, nodeTypeCodes, type HeapGraph, type SnapshotMeta } from './heap-graph.ts';

export class SnapshotParseError extends Error {
  override name = 'SnapshotParseError';
  readonly bytes: number;
  constructor(message: string, bytes: number) {
    super(message);
    this.bytes = bytes;
  }
}

// Parser states.
const TOP_OPEN = 0;
const TOP_KEY = 1; // expecting a key (or '}' for an empty object)
const KEY_STR = 2;
const TOP_COLON = 3;
const VALUE = 4; // dispatch on the key
const SKIP = 5; // any JSON value we do not need (trace_tree, locations, ...)
const NUMS = 6; // "nodes" or "edges"
const STRS = 7; // "strings"
const TOP_AFTER = 8; // expecting ',' or '}'
const DONE = 9;

// Sub-states of the strings array.
const STRS_OPEN = 0;
const STRS_ITEM = 1; // expecting a string or ']'
const STRS_IN = 2;
const STRS_AFTER = 3; // expecting ',' or ']'

// Which column a node field goes to.
const F_IGNORE = 0;
const F_TYPE = 1;
const F_NAME = 2;
const F_ID = 3;
const F_SELF = 4;
const F_EDGES = 5;

const MAX_META_BYTES = 1 << 20;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function describeByte(c: number): string {
  if (c >= 33 && c < 127) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

export class SnapshotStreamParser {
  private state = TOP_OPEN;
  private consumed = 0; // bytes before the current chunk
  private pos = 0; // index in the current chunk, for error messages
  private key = '';
  private keyBytes: number[] = [];
  private decoder = new TextDecoder('utf-8');

  // SKIP state
  private skipDepth = 0;
  private skipStarted = false;
  private skipScalar = false;
  private skipInStr = false;
  private skipEsc = false;
  private capture: Uint8Array[] | null = null;
  private captureBytes = 0;

  // NUMS state
  private numOpen = false;
  private numValue = 0;
  private numIn = false; // inside a number
  private numNeedSep = false; // a number ended; next must be ',' or ']'
  private numField = 0; // field index within the current node/edge record
  private numRecord = 0; // node or edge index
  private sawNodes = false;
  private sawEdges = false;

  // STRS state
  private strState = STRS_OPEN;
  private strEsc = false;
  private strHasEsc = false;
  private strPending: Uint8Array = new Uint8Array(0);
  private strPendingLen = 0;
  private strings: string[] = [];
  private sawStrings = false;

  // meta and columns
  private meta: SnapshotMeta | null = null;
  private nodeFieldCount = 0;
  private edgeFieldCount = 0;
  private nodeSlots: Uint8Array = new Uint8Array(0);
  private edgeTypeField = -1;
  private edgeNameField = -1;
  private edgeToField = -1;
  private nodeCap = 0;
  private edgeCap = 0;
  private nodeType: Uint8Array = new Uint8Array(0);
  private nodeName: Uint32Array = new Uint32Array(0);
  private nodeId: Uint32Array = new Uint32Array(0);
  private selfSize: Float64Array = new Float64Array(0);
  private edgeCounts: Uint32Array = new Uint32Array(1); // edge count of node i at [i + 1]
  private edgeType: Uint8Array = new Uint8Array(0);
  private edgeName: Uint32Array = new Uint32Array(0);
  private edgeTo: Uint32Array = new Uint32Array(0);
  private nodeCount = 0;
  private edgeCount = 0;
  private pool: BufferPool;

  constructor(pool?: BufferPool) {
    this.pool = pool ?? new BufferPool();
  }

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.consumed;
  }

  push(chunk: Uint8Array): void {
    const len = chunk.length;
    let i = 0;
    while (i < len) {
      this.pos = i;
      switch (this.state) {
        case TOP_OPEN: {
          const c = chunk[i]!;
          if (isSpace(c)) {
            i++;
            break;
          }
          // A UTF-8 byte order mark is tolerated.
          if (this.consumed + i === 0 && c === 0xef) {
            i += 3;
            break;
          }
          if (c !== 123) this.fail(c, i, 'start of the file', true);
          this.state = TOP_KEY;
          i++;
          break;
        }
        case TOP_KEY: {
          const c = chunk[i]!;
          if (isSpace(c)) {
            i++;
            break;
          }
          if (c === 34) {
            this.state = KEY_STR;
            this.keyBytes.length = 0;
            i++;
            break;
          }
          if (c === 125 && this.key === '') {
            this.state = DONE;
            i++;
            break;
          }
          this.fail(c, i, 'top-level object');
          break;
        }
        case KEY_STR: {
          const c = chunk[i]!;
          i++;
          if (c === 34) {
            this.key = this.decoder.decode(new Uint8Array(this.keyBytes));
            this.state = TOP_COLON;
          } else {
            if (this.keyBytes.length > 256) this.fail(c, i - 1, 'top-level object');
            this.keyBytes.push(c);
          }
          break;
        }
        case TOP_COLON: {
          const c = chunk[i]!;
          if (isSpace(c)) {
            i++;
            break;
          }
          if (c !== 58) this.fail(c, i, 'top-level object');
          this.state = VALUE;
          i++;
          break;
        }
        case VALUE:
          this.startValue();
          break;
        case SKIP:
          i = this.skip(chunk, i);
          break;
        case NUMS:
          i = this.key === 'nodes' ? this.readNodes(chunk, i) : this.readEdges(chunk, i);
          break;
        case STRS:
          i = this.readStrings(chunk, i);
          break;
        case TOP_AFTER: {
          const c = chunk[i]!;
          if (isSpace(c)) {
            i++;
            break;
          }
          if (c === 44) {
            this.state = TOP_KEY;
            i++;
            break;
          }
          if (c === 125) {
            this.state = DONE;
            i++;
            break;
          }
          this.fail(c, i, 'top-level object');
          break;
        }
        case DONE: {
          const c = chunk[i]!;
          if (isSpace(c) || c === 0) {
            i++;
            break;
          }
          this.fail(c, i, 'text after the end of the snapshot');
          break;
        }
      }
    }
    this.consumed += len;
  }

  private section(): string {
    switch (this.state) {
      case TOP_OPEN:
        return 'start of the file';
      case NUMS:
        return `${this.key} array`;
      case STRS:
        return 'strings array';
      case SKIP:
        return this.key === 'snapshot' ? 'snapshot header' : `"${this.key}" section`;
      default:
        return 'top-level object';
    }
  }

  private fail(c: number, i: number, where: string, notSnapshot = false): never {
    const at = this.consumed + i;
    const hint = notSnapshot || at < 64 ? 'this is not a V8 heap snapshot (.heapsnapshot JSON)' : 'the file is corrupt';
    throw new SnapshotParseError(
      `unexpected ${describeByte(c)} at byte ${at} (${formatBytes(at)}) in the ${where} — ${hint}`,
      at,
    );
  }

  private startValue(): void {
    switch (this.key) {
      case 'snapshot':
        this.capture = [];
        this.captureBytes = 0;
        this.beginSkip();
        return;
      case 'nodes':
      case 'edges':
        if (!this.meta) {
          throw new SnapshotParseError(
            `the ${this.key} array comes before the snapshot header — this is not a V8 heap snapshot`,
            this.consumed + this.pos,
          );
        }
        this.numOpen = false;
        this.numValue = 0;
        this.numIn = false;
        this.numNeedSep = false;
        this.numField = 0;
        this.numRecord = 0;
        this.state = NUMS;
        return;
      case 'strings':
        this.strState = STRS_OPEN;
        this.state = STRS;
        return;
      default:
        this.capture = null;
        this.beginSkip();
    }
  }

  private beginSkip(): void {
    this.skipDepth = 0;
    this.skipStarted = false;
    this.skipScalar = false;
    this.skipInStr = false;
    this.skipEsc = false;
    this.state = SKIP;
  }

  /** Skips (or captures) one JSON value of any shape. Returns the index after what it consumed. */
  private skip(chunk: Uint8Array, start: number): number {
    const len = chunk.length;
    let i = start;
    let depth = this.skipDepth;
    let inStr = this.skipInStr;
    let esc = this.skipEsc;
    let done = false;
    if (!this.skipStarted) {
      while (i < len && isSpace(chunk[i]!)) i++;
      if (i === len) return i;
      const c = chunk[i]!;
      this.skipStarted = true;
      if (c === 123 || c === 91) {
        depth = 1;
        i++;
      } else if (c === 34) {
        inStr = true;
        this.skipScalar = true;
        i++;
      } else if (c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110) {
        this.skipScalar = true;
      } else this.fail(c, i, this.section());
    }
    for (; i < len; i++) {
      const c = chunk[i]!;
      if (inStr) {
        if (esc) esc = false;
        else if (c === 92) esc = true;
        else if (c === 34) {
          inStr = false;
          if (depth === 0) {
            i++;
            done = true;
            break;
          }
        }
        continue;
      }
      if (depth === 0) {
        // A bare number / true / false / null ends before ',' '}' or whitespace.
        if (c === 44 || c === 125 || isSpace(c)) {
          done = true;
          break;
        }
        continue;
      }
      if (c === 34) inStr = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        depth--;
        if (depth === 0) {
          i++;
          done = true;
          break;
        }
      }
    }
    if (this.capture) {
      const piece = chunk.slice(start, i);
      this.captureBytes += piece.length;
      if (this.captureBytes > MAX_META_BYTES) {
        throw new SnapshotParseError(
          'the snapshot header is larger than 1 MB — this is not a V8 heap snapshot',
          this.consumed + i,
        );
      }
      this.capture.push(piece);
    }
    this.skipDepth = depth;
    this.skipInStr = inStr;
    this.skipEsc = esc;
    if (done) {
      if (this.capture) this.readMeta();
      this.state = TOP_AFTER;
    }
    return i;
  }

  private readMeta(): void {
    const parts = this.capture!;
    this.capture = null;
    const all = new Uint8Array(this.captureBytes);
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    let header: { meta?: SnapshotMeta; node_count?: number; edge_count?: number };
    try {
      header = JSON.parse(this.decoder.decode(all));
    } catch {
      throw new SnapshotParseError('the snapshot header is not valid JSON — the file is corrupt', this.consumed);
    }
    const meta = header.meta;
    const ok =
      meta &&
      Array.isArray(meta.node_fields) &&
      Array.isArray(meta.edge_fields) &&
      Array.isArray(meta.node_types?.[0]) &&
      Array.isArray(meta.edge_types?.[0]);
    if (!ok) {
      throw new SnapshotParseError(
        'the snapshot header has no node/edge field description (snapshot.meta) — this is not a V8 heap snapshot',
        this.consumed,
      );
    }
    const nf = meta.node_fields;
    for (const f of ['type', 'name', 'id', 'self_size', 'edge_count']) {
      if (!nf.includes(f))
        throw new SnapshotParseError(
          `snapshot.meta.node_fields lacks "${f}" — unsupported snapshot format`,
          this.consumed,
        );
    }
    for (const f of ['type', 'name_or_index', 'to_node']) {
      if (!meta.edge_fields.includes(f))
        throw new SnapshotParseError(
          `snapshot.meta.edge_fields lacks "${f}" — unsupported snapshot format`,
          this.consumed,
        );
    }
    this.meta = meta;
    this.nodeFieldCount = nf.length;
    this.edgeFieldCount = meta.edge_fields.length;
    this.nodeSlots = new Uint8Array(nf.length).fill(F_IGNORE);
    this.nodeSlots[nf.indexOf('type')] = F_TYPE;
    this.nodeSlots[nf.indexOf('name')] = F_NAME;
    this.nodeSlots[nf.indexOf('id')] = F_ID;
    this.nodeSlots[nf.indexOf('self_size')] = F_SELF;
    this.nodeSlots[nf.indexOf('edge_count')] = F_EDGES;
    this.edgeTypeField = meta.edge_fields.indexOf('type');
    this.edgeNameField = meta.edge_fields.indexOf('name_or_index');
    this.edgeToField = meta.edge_fields.indexOf('to_node');
    const nodes = Number.isSafeInteger(header.node_count) ? header.node_count! : 0;
    const edges = Number.isSafeInteger(header.edge_count) ? header.edge_count! : 0;
    this.growNodes(Math.max(nodes, 1024));
    this.growEdges(Math.max(edges, 4096));
  }

  // Columns start at the size the header announces and double if a file holds more.
  private grow<T extends Uint8Array | Uint32Array | Float64Array>(old: T, next: T): T {
    next.set(old.subarray(0, Math.min(old.length, next.length)) as never);
    this.pool.give(old);
    return next;
  }

  private growNodes(cap: number): void {
    const p = this.pool;
    this.nodeType = this.grow(this.nodeType, p.u8(cap));
    this.nodeName = this.grow(this.nodeName, p.u32(cap));
    this.nodeId = this.grow(this.nodeId, p.u32(cap));
    this.selfSize = this.grow(this.selfSize, p.f64(cap));
    this.edgeCounts = this.grow(this.edgeCounts, p.u32(cap + 1));
    this.nodeCap = cap;
  }

  private growEdges(cap: number): void {
    const p = this.pool;
    this.edgeType = this.grow(this.edgeType, p.u8(cap));
    this.edgeName = this.grow(this.edgeName, p.u32(cap));
    this.edgeTo = this.grow(this.edgeTo, p.u32(cap));
    this.edgeCap = cap;
  }

  private numOverflow(v: number, i: number, what: string): never {
    throw new SnapshotParseError(
      `${what} ${v} at byte ${this.consumed + i} does not fit the snapshot format — the file is corrupt`,
      this.consumed + i,
    );
  }

  // The two number readers below are the hot loops: one pass over the bytes with all state in locals.

  private readNodes(chunk: Uint8Array, start: number): number {
    const len = chunk.length;
    let i = start;
    if (!this.numOpen) {
      while (i < len && isSpace(chunk[i]!)) i++;
      if (i === len) return i;
      if (chunk[i] !== 91) this.fail(chunk[i]!, i, this.section());
      this.numOpen = true;
      i++;
    }
    const slots = this.nodeSlots;
    const fieldCount = this.nodeFieldCount;
    let v = this.numValue,
      inNum = this.numIn,
      needSep = this.numNeedSep;
    let field = this.numField,
      node = this.numRecord;
    let cap = this.nodeCap;
    let type = this.nodeType,
      name = this.nodeName,
      id = this.nodeId,
      self = this.selfSize,
      ec = this.edgeCounts;
    for (; i < len; i++) {
      const c = chunk[i]!;
      if (c >= 48 && c <= 57) {
        if (needSep) this.fail(c, i, this.section());
        v = v * 10 + (c - 48);
        inNum = true;
        continue;
      }
      if (inNum) {
        if (c !== 44 && c !== 93 && !isSpace(c)) this.fail(c, i, this.section());
        if (node >= cap) {
          this.growNodes(cap * 2);
          cap = this.nodeCap;
          type = this.nodeType;
          name = this.nodeName;
          id = this.nodeId;
          self = this.selfSize;
          ec = this.edgeCounts;
        }
        switch (slots[field]) {
          case F_TYPE:
            if (v > 255) this.numOverflow(v, i, 'node type');
            type[node] = v;
            break;
          case F_NAME:
            if (v > 0xffffffff) this.numOverflow(v, i, 'node name');
            name[node] = v;
            break;
          case F_ID:
            if (v > 0xffffffff) this.numOverflow(v, i, 'node id');
            id[node] = v;
            break;
          case F_SELF:
            self[node] = v;
            break;
          case F_EDGES:
            if (v > 0xffffffff) this.numOverflow(v, i, 'edge count');
            ec[node + 1] = v;
            break;
        }
        if (++field === fieldCount) {
          field = 0;
          node++;
        }
        v = 0;
        inNum = false;
        needSep = true;
      }
      if (c === 44) {
        if (!needSep) this.fail(c, i, this.section());
        needSep = false;
        continue;
      }
      if (isSpace(c)) continue;
      if (c === 93) {
        if (!needSep && node + field > 0) this.fail(c, i, this.section());
        i++;
        this.finishNumbers(node, field, 'nodes');
        this.nodeCount = node;
        this.sawNodes = true;
        break;
      }
      this.fail(c, i, this.section());
    }
    this.numValue = v;
    this.numIn = inNum;
    this.numNeedSep = needSep;
    this.numField = field;
    this.numRecord = node;
    return i;
  }

  private readEdges(chunk: Uint8Array, start: number): number {
    const len = chunk.length;
    let i = start;
    if (!this.numOpen) {
      while (i < len && isSpace(chunk[i]!)) i++;
      if (i === len) return i;
      if (chunk[i] !== 91) this.fail(chunk[i]!, i, this.section());
      this.numOpen = true;
      i++;
    }
    const fieldCount = this.edgeFieldCount;
    const fType = this.edgeTypeField,
      fName = this.edgeNameField,
      fTo = this.edgeToField;
    const nodeFields = this.nodeFieldCount;
    let v = this.numValue,
      inNum = this.numIn,
      needSep = this.numNeedSep;
    let field = this.numField,
      edge = this.numRecord;
    let cap = this.edgeCap;
    let type = this.edgeType,
      name = this.edgeName,
      to = this.edgeTo;
    for (; i < len; i++) {
      const c = chunk[i]!;
      if (c >= 48 && c <= 57) {
        if (needSep) this.fail(c, i, this.section());
        v = v * 10 + (c - 48);
        inNum = true;
        continue;
      }
      if (inNum) {
        if (c !== 44 && c !== 93 && !isSpace(c)) this.fail(c, i, this.section());
        if (edge >= cap) {
          this.growEdges(cap * 2);
          cap = this.edgeCap;
          type = this.edgeType;
          name = this.edgeName;
          to = this.edgeTo;
        }
        if (field === fTo) {
          const target = v / nodeFields;
          if (target !== Math.floor(target) || target > 0xffffffff) this.numOverflow(v, i, 'edge target');
          to[edge] = target;
        } else if (field === fName) {
          if (v > 0xffffffff) this.numOverflow(v, i, 'edge name');
          name[edge] = v;
        } else if (field === fType) {
          if (v > 255) this.numOverflow(v, i, 'edge type');
          type[edge] = v;
        }
        if (++field === fieldCount) {
          field = 0;
          edge++;
        }
        v = 0;
        inNum = false;
        needSep = true;
      }
      if (c === 44) {
        if (!needSep) this.fail(c, i, this.section());
        needSep = false;
        continue;
      }
      if (isSpace(c)) continue;
      if (c === 93) {
        if (!needSep && edge + field > 0) this.fail(c, i, this.section());
        i++;
        this.finishNumbers(edge, field, 'edges');
        this.edgeCount = edge;
        this.sawEdges = true;
        break;
      }
      this.fail(c, i, this.section());
    }
    this.numValue = v;
    this.numIn = inNum;
    this.numNeedSep = needSep;
    this.numField = field;
    this.numRecord = edge;
    return i;
  }

  private finishNumbers(records: number, field: number, what: string): void {
    if (field !== 0) {
      const per = what === 'nodes' ? this.nodeFieldCount : this.edgeFieldCount;
      throw new SnapshotParseError(
        `the ${what} array holds ${records * per + field} numbers, not a multiple of ${per} fields — the file is corrupt`,
        this.consumed + this.pos,
      );
    }
    this.state = TOP_AFTER;
  }

  private readStrings(chunk: Uint8Array, start: number): number {
    const len = chunk.length;
    let i = start;
    while (i < len) {
      if (this.strState === STRS_IN) {
        const from = i;
        let esc = this.strEsc;
        let closed = false;
        for (; i < len; i++) {
          const c = chunk[i]!;
          if (esc) {
            esc = false;
            continue;
          }
          if (c === 92) {
            esc = true;
            this.strHasEsc = true;
            continue;
          }
          if (c === 34) {
            closed = true;
            break;
          }
        }
        this.strEsc = esc;
        if (!closed) {
          this.appendPending(chunk, from, i);
          return i;
        }
        let bytes: Uint8Array;
        if (this.strPendingLen > 0) {
          this.appendPending(chunk, from, i);
          bytes = this.strPending.subarray(0, this.strPendingLen);
        } else {
          bytes = chunk.subarray(from, i);
        }
        this.strings.push(this.decodeString(bytes, i));
        this.strPendingLen = 0;
        this.strHasEsc = false;
        this.strState = STRS_AFTER;
        i++;
        continue;
      }
      const c = chunk[i]!;
      if (isSpace(c)) {
        i++;
        continue;
      }
      switch (this.strState) {
        case STRS_OPEN:
          if (c !== 91) this.fail(c, i, this.section());
          this.strState = STRS_ITEM;
          break;
        case STRS_ITEM:
          if (c === 34) {
            this.strState = STRS_IN;
            this.strEsc = false;
            this.strHasEsc = false;
            break;
          }
          if (c === 93 && this.strings.length === 0) {
            this.endStrings();
            return i + 1;
          }
          this.fail(c, i, this.section());
          break;
        case STRS_AFTER:
          if (c === 44) {
            this.strState = STRS_ITEM;
            break;
          }
          if (c === 93) {
            this.endStrings();
            return i + 1;
          }
          this.fail(c, i, this.section());
      }
      i++;
    }
    return i;
  }

  private endStrings(): void {
    this.sawStrings = true;
    this.state = TOP_AFTER;
  }

  private appendPending(chunk: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n === 0) return;
    if (this.strPendingLen + n > this.strPending.length) {
      const next = new Uint8Array(Math.max(this.strPending.length * 2, this.strPendingLen + n, 256));
      next.set(this.strPending.subarray(0, this.strPendingLen));
      this.strPending = next;
    }
    this.strPending.set(chunk.subarray(from, to), this.strPendingLen);
    this.strPendingLen += n;
  }

  private decodeString(bytes: Uint8Array, i: number): string {
    const text = this.decoder.decode(bytes);
    if (!this.strHasEsc) return text;
    try {
      return JSON.parse(`"${text}"`) as string;
    } catch {
      throw new SnapshotParseError(
        `string #${this.strings.length} ending at byte ${this.consumed + i} has an invalid escape — the file is corrupt`,
        this.consumed + i,
      );
    }
  }

  /** Call once the input has ended: validates the whole and returns the graph. */
  finish(): HeapGraph {
    const size = formatBytes(this.consumed);
    if (this.consumed === 0) throw new SnapshotParseError('the snapshot is empty (0 bytes)', 0);
    if (this.state !== DONE) {
      throw new SnapshotParseError(
        `snapshot ended after ${size} inside the ${this.section()} — the file is truncated`,
        this.consumed,
      );
    }
    const missing = [
      !this.meta && 'snapshot header',
      !this.sawNodes && 'nodes',
      !this.sawEdges && 'edges',
      !this.sawStrings && 'strings',
    ].filter(Boolean);
    if (missing.length) {
      throw new SnapshotParseError(
        `the snapshot has no ${missing.join(', ')} section — this is not a V8 heap snapshot`,
        this.consumed,
      );
    }
    const nodeCount = this.nodeCount;
    const edgeCount = this.edgeCount;
    if (nodeCount === 0) throw new SnapshotParseError('the snapshot has no nodes — the file is corrupt', this.consumed);
    // Prefix sums turn per-node edge counts into the first-edge offsets.
    const firstEdge = this.edgeCounts.subarray(0, nodeCount + 1);
    firstEdge[0] = 0;
    let sum = 0;
    for (let n = 1; n <= nodeCount; n++) {
      sum += firstEdge[n]!;
      firstEdge[n] = Math.min(sum, 0xffffffff);
    }
    if (sum !== edgeCount) {
      throw new SnapshotParseError(
        `the nodes' edge counts do not add up to the ${edgeCount} edges in the edges array — the file is corrupt`,
        this.consumed,
      );
    }
    const strings = this.strings;
    const stringCount = strings.length;
    const nodeName = this.nodeName.subarray(0, nodeCount);
    for (let n = 0; n < nodeCount; n++) {
      if (nodeName[n]! >= stringCount) {
        throw new SnapshotParseError(
          `node #${n} names string #${nodeName[n]} but there are only ${stringCount} strings — the file is corrupt`,
          this.consumed,
        );
      }
    }
    const meta = this.meta!;
    const edgeTypeNames = meta.edge_types[0];
    const edges = edgeTypeCodes(edgeTypeNames);
    const edgeType = this.edgeType.subarray(0, edgeCount);
    const edgeName = this.edgeName.subarray(0, edgeCount);
    const edgeTo = this.edgeTo.subarray(0, edgeCount);
    for (let e = 0; e < edgeCount; e++) {
      if (edgeTo[e]! >= nodeCount) {
        throw new SnapshotParseError(
          `edge #${e} points to node #${edgeTo[e]} but there are only ${nodeCount} nodes — the file is corrupt`,
          this.consumed,
        );
      }
      const t = edgeType[e]!;
      if (t !== edges.element && t !== edges.hidden && edgeName[e]! >= stringCount) {
        throw new SnapshotParseError(
          `edge #${e} names string #${edgeName[e]} but there are only ${stringCount} strings — the file is corrupt`,
          this.consumed,
        );
      }
    }
    const nodeTypeNames = meta.node_types[0];
    const graph: HeapGraph = {
      nodeCount,
      edgeCount,
      nodeType: this.nodeType.subarray(0, nodeCount),
      nodeName,
      nodeId: this.nodeId.subarray(0, nodeCount),
      selfSize: this.selfSize.subarray(0, nodeCount),
      firstEdge,
      edgeType,
      edgeName,
      edgeTo,
      strings,
      nodeTypeNames,
      edgeTypeNames,
      types: nodeTypeCodes(nodeTypeNames),
      edgeTypes: edges,
      bytes: this.consumed,
    };
    this.release();
    return graph;
  }

  private release(): void {
    this.nodeType = new Uint8Array(0);
    this.nodeName = new Uint32Array(0);
    this.nodeId = new Uint32Array(0);
    this.selfSize = new Float64Array(0);
    this.edgeCounts = new Uint32Array(1);
    this.edgeType = new Uint8Array(0);
    this.edgeName = new Uint32Array(0);
    this.edgeTo = new Uint32Array(0);
    this.strings = [];
    this.strPending = new Uint8Array(0);
  }
}

// What the container's Node can do, asked once per boot before any lab runs. The probe is plain
// JavaScript, as everything the in-page runtime mounts is: the container's Node never strips types.
import type { WcContainer } from './webcontainer-api.ts';

export const PROBE_PREFIX = '\u001eLBPROBE ';
export const PROBE_DIR = '.leakbook-probe';

export interface NodeProbe {
  version: string;
  webcontainer: string | null;
  /** process.features.typescript, for the report only: nothing the runtime mounts needs it */
  typescript: string | null;
  getHeapSnapshot: string;
  writeHeapSnapshot: string;
  queryObjects: string;
  memoryUsage: string;
}

const PROBE_SOURCE = `// Leakbook runtime probe
const report = {};
const note = (key, read) => {
  try { report[key] = read(); } catch (err) { report[key] = 'error: ' + err.message; }
};
note('version', () => process.version);
note('webcontainer', () => process.versions.webcontainer ?? null);
note('typescript', () => process.features?.typescript ?? null);
let v8 = {};
try { v8 = await import('node:v8'); } catch {}
note('getHeapSnapshot', () => typeof v8.getHeapSnapshot);
note('writeHeapSnapshot', () => typeof v8.writeHeapSnapshot);
note('queryObjects', () => typeof v8.queryObjects);
note('memoryUsage', () => typeof process.memoryUsage);
console.log(${JSON.stringify(PROBE_PREFIX)} + JSON.stringify(report));
`;

export class ProbeError extends Error {}

async function collect(stream: ReadableStream<string>): Promise<string> {
  let text = '';
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return text;
}

export async function probeNode(wc: WcContainer): Promise<NodeProbe> {
  await wc.mount({ [PROBE_DIR]: { directory: { 'probe.mjs': { file: { contents: PROBE_SOURCE } } } } });
  try {
    const proc = await wc.spawn('node', ['probe.mjs'], { cwd: PROBE_DIR });
    const [output] = await Promise.all([collect(proc.output), proc.exit]);
    const line = output.split(/\r?\n/).find((l) => l.includes(PROBE_PREFIX));
    let report: NodeProbe | null = null;
    try {
      if (line) report = JSON.parse(line.slice(line.indexOf(PROBE_PREFIX) + PROBE_PREFIX.length)) as NodeProbe;
    } catch {
      report = null;
    }
    if (report) return report;
    const firstLine = output.split(/\r?\n/).find((l) => l.trim()) ?? 'no output';
    throw new ProbeError(
      `The in-browser Node could not run the runtime probe (it said: "${firstLine.trim().slice(0, 200)}"). ` +
        'Run the workbook locally with `npm start` to use the local runner instead.',
    );
  } finally {
    await wc.fs.rm(PROBE_DIR, { recursive: true, force: true }).catch(() => undefined);
  }
}

export function probeHasHeapSnapshots(p: NodeProbe): boolean {
  return p.getHeapSnapshot === 'function' && p.writeHeapSnapshot === 'function';
}

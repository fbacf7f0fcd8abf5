// Lab manifests (labs/<id>/lab.json) are data; this zod schema is the single definition of their shape and
// LabManifest is derived from it. Used at build (content schema, lab bundles), by the runner, the CLI and,
// as a type only, by the kit (which must not load zod).
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes');
const relPath = z.string().regex(/^(?!\/)(?!.*\.\.)[\w./-]+$/, 'a relative path inside the lab, without ".."');

export const taskSchema = z.object({
  id,
  title: z.string().min(3),
  description: z.string().min(10),
  /** progressive: the first is a nudge, the last nearly the answer */
  hints: z.array(z.string().min(5)).min(1),
});

export const scenarioSchema = z.object({
  id,
  label: z.string().min(3),
  description: z.string().min(10),
});

export const labFileSchema = z.object({
  path: relPath,
  editable: z.boolean(),
});

export const manifestSchema = z
  .object({
    id,
    title: z.string().min(3),
    /** slug of the chapter the lab belongs to */
    chapter: id,
    summary: z.string().min(10),
    /** the service's language: node (default) runs entry under kit/host.ts; go builds app/ with kit/go */
    language: z.enum(['node', 'go']).optional(),
    /** module (among files) whose default export is the service factory (Go: the file with main) */
    entry: relPath,
    files: z.array(labFileSchema).min(1),
    tasks: z.array(taskSchema).min(1),
    scenarios: z.array(scenarioSchema).min(1),
    /** the container's heap limit: --max-old-space-size for a Node service; for a Go service the memory
     * limit on its RSS, enforced like Kubernetes (killed and reported OOMKilled when passed) */
    heapLimitMb: z.number().int().min(16).max(4096),
    /** real ms per lab ms: 0.01 makes "10 s" take 100 ms */
    timeScale: z.number().positive().max(1),
    /** how many of the Check's tasks may run at once, each in its own service (default 1). Only for labs
     * whose checks judge memory and answers, not real-time timing, so a busy core cannot change a verdict */
    checkLanes: z.number().int().min(1).max(4).optional(),
    /** Go labs: bytes allocated per heap profile sample (runtime.MemProfileRate), the same for the reader's
     * Run and every Check; default 4096, fine enough for a heap of kilobytes. A lab whose requests
     * allocate hundreds of MB samples coarser, since each sample costs CPU */
    memProfileRate: z.number().int().min(512).max(524_288).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.files.some((f) => f.path === m.entry))
      ctx.addIssue({ code: 'custom', path: ['entry'], message: `entry "${m.entry}" is not among files` });
    if (m.memProfileRate !== undefined && m.language !== 'go')
      ctx.addIssue({ code: 'custom', path: ['memProfileRate'], message: 'memProfileRate is for Go labs' });
    if (!m.files.some((f) => f.editable))
      ctx.addIssue({ code: 'custom', path: ['files'], message: 'at least one file must be editable' });
    for (const key of ['tasks', 'scenarios'] as const) {
      const seen = new Set<string>();
      m[key].forEach((item, i) => {
        if (seen.has(item.id))
          ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate id "${item.id}"` });
        seen.add(item.id);
      });
    }
  });

export type LabManifest = z.infer<typeof manifestSchema>;
export type LabTask = z.infer<typeof taskSchema>;

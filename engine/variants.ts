// Lab variants: plausible wrong fixes (must fail a task) and alternative right fixes (must pass every task),
// each an overlay of the editable files it changes on top of the starter or the reference solution.
//   labs/<id>/variants/<name>/variant.json   {"kind": "wrong" | "right", "base": "starter" | "solution", "why": "…"}
//   labs/<id>/variants/<name>/<editable file> only the files that differ from the base
// They are test data: the mutation suite (tests/labs/contract.test.ts) runs every one through Check.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LabError, overlayProblems, readLabFiles, readTree, type LabVariant, type LoadedLab } from './load-lab.ts';

export const variantSchema = z.strictObject({
  kind: z.enum(['wrong', 'right']),
  base: z.enum(['starter', 'solution']),
  /** one line: why this fix is wrong, or why it is right */
  why: z.string().min(10).max(300),
});

export interface LabVariantFix extends z.infer<typeof variantSchema> {
  name: string;
  /** only the changed editable files, path -> text */
  changed: Record<string, string>;
}

/** Every variant of a lab, validated; errors name the file. */
export function listVariants(lab: LoadedLab): LabVariantFix[] {
  const root = path.join(lab.dir, 'variants');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => readVariant(lab, name));
}

export function readVariant(lab: LoadedLab, name: string): LabVariantFix {
  const dir = path.join(lab.dir, 'variants', name);
  const shown = `labs/${lab.id}/variants/${name}`;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !fs.existsSync(path.join(dir, 'variant.json')))
    throw new LabError(
      `lab ${lab.id} has no variant "${name}" (a folder with a variant.json under labs/${lab.id}/variants/)`,
    );
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(path.join(dir, 'variant.json'), 'utf8'));
  } catch (err) {
    throw new LabError(`${shown}/variant.json: not valid JSON (${(err as Error).message})`);
  }
  const parsed = variantSchema.safeParse(data);
  if (!parsed.success)
    throw new LabError(
      parsed.error.issues.map((i) => `${shown}/variant.json: ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n'),
    );
  const problems = overlayProblems(lab.manifest, dir, shown, ['variant.json']);
  const changed: Record<string, string> = {};
  for (const [p, data] of Object.entries(readTree(dir))) if (p !== 'variant.json') changed[p] = data.toString('utf8');
  if (!Object.keys(changed).length) problems.push(`${shown}: changes no file`);
  if (problems.length) throw new LabError(problems.join('\n'));
  return { name, ...parsed.data, changed };
}

/** The editable files a variant gives a workspace: its base's editable files with the variant on top. */
export function variantFiles(lab: LoadedLab, fix: LabVariantFix): { base: LabVariant; files: Record<string, string> } {
  const base = readLabFiles(lab, fix.base);
  const files: Record<string, string> = {};
  for (const f of lab.manifest.files) if (f.editable) files[f.path] = fix.changed[f.path] ?? base[f.path]!;
  return { base: fix.base, files };
}

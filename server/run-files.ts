// Validates the files a page sends for a run before anything touches the disk: only the lab's
// editable files, by their exact manifest paths, as text, within the size cap.
import { formatBytes } from '../contracts/format.ts';
import type { StartRunRequest } from '../contracts/runner-api.ts';
import { HttpError } from './http-guard.ts';

const LAB_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Why a path is unsafe, or null when it is a plain relative path inside the lab. */
export function unsafePathReason(path: string): string | null {
  if (path.length === 0) return 'is empty';
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.includes('\\')) return 'uses backslashes';
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return 'is absolute';
  if (path.split('/').some((seg) => seg === '..')) return 'climbs out of the lab folder with ".."';
  if (path.split('/').some((seg) => seg === '' || seg === '.')) return 'has empty or "." segments';
  return null;
}

export async function parseRunRequest(
  body: unknown,
  editable: (labId: string) => Promise<Set<string> | null>,
  maxFileBytes: number,
): Promise<StartRunRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'Expected a JSON object {labId, files}.');
  const { labId, files } = body as { labId?: unknown; files?: unknown };
  if (typeof labId !== 'string' || !LAB_ID.test(labId))
    throw new HttpError(400, 'labId must be a lab id such as "cache-warmup".');
  const allowed = await editable(labId);
  if (!allowed) throw new HttpError(404, `There is no lab "${labId}".`);
  if (files === undefined) return { labId, files: {} };
  if (typeof files !== 'object' || files === null || Array.isArray(files))
    throw new HttpError(400, 'files must be an object mapping file paths to their text.');
  let total = 0;
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(files as Record<string, unknown>)) {
    const unsafe = unsafePathReason(path);
    if (unsafe)
      throw new HttpError(400, `Refused file "${path}": the path ${unsafe}. Only the lab's own files can be sent.`);
    if (!allowed.has(path))
      throw new HttpError(
        403,
        `Refused file "${path}": it is not one of this lab's editable files (${[...allowed].join(', ')}).`,
      );
    if (typeof text !== 'string') throw new HttpError(400, `File "${path}" must be sent as text.`);
    total += Buffer.byteLength(text);
    if (total > maxFileBytes)
      throw new HttpError(413, `The lab's files exceed ${formatBytes(maxFileBytes, { limit: true })} in total.`);
    out[path] = text;
  }
  return { labId, files: out };
}

// How the checks upload: every request has a deadline well inside the task's 10 s budget for a hung
// service, so a service that never answers fails with what the check was waiting for. Three shapes of
// client: one that sends the whole file, one that holds back the end of it for a moment (does the import
// start before the upload is complete?), and one that gives up halfway and closes the connection.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckContext, HttpResult } from '#kit';
import { XLSX_TYPE } from '../scenarios.ts';

/** No upload in the checks takes the reference more than a fraction of this, even with the machine busy. */
export const ANSWER_TIMEOUT_MS = 8_000;

export function post(t: CheckContext, body: Buffer): Promise<HttpResult> {
  return t.service.request('/upload', {
    method: 'POST',
    headers: { 'content-type': XLSX_TYPE },
    body,
    timeoutMs: ANSWER_TIMEOUT_MS,
  });
}

/** The answer's error text ({ error } JSON or the raw body). */
export function answerText(r: HttpResult): string {
  const text = r.body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (parsed && typeof parsed.error === 'string') return parsed.error;
    if (parsed && typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: show it as it is
  }
  return text.slice(0, 300);
}

/** An answer for people: "400 row 12: quantity …" or "no answer within 8 s". */
export function describe(r: HttpResult): string {
  if (r.status === 0)
    return r.error?.startsWith('no complete response')
      ? `no answer within ${ANSWER_TIMEOUT_MS / 1000} s (the check waited for the response to POST /upload)`
      : `no answer (${r.error ?? 'the connection failed'})`;
  const text = answerText(r);
  return `${r.status}${text ? ` "${text.slice(0, 160)}"` : ''}`;
}

/**
 * Upload, honouring 429/503 with Retry-After (lab seconds) as a client would: at most `tries` attempts
 * and at most 60 lab seconds of waiting in all.
 */
export async function postWithRetry(
  t: CheckContext,
  body: Buffer,
  realBudgetMs = 30_000,
): Promise<{ result: HttpResult; toldToWait: number; waitedLabMs: number }> {
  // Retry-After is honoured in lab time, but the import that keeps the service busy takes real time, and
  // longer on a loaded machine: so the client keeps retrying as told for a budget of real time, not for a
  // number of tries, and waits at least 50 ms between tries.
  const started = performance.now();
  let toldToWait = 0;
  let waitedLabMs = 0;
  for (;;) {
    const result = await post(t, body);
    const retryAfter = Number(result.headers['retry-after']);
    const refused = result.status === 429 || result.status === 503;
    if (refused && Number.isFinite(retryAfter) && performance.now() - started < realBudgetMs) {
      toldToWait++;
      waitedLabMs += Math.max(0, retryAfter) * 1000;
      await sleep(Math.max(50, t.ms(Math.max(0, retryAfter) * 1000)));
      continue;
    }
    return { result, toldToWait, waitedLabMs };
  }
}

interface RawUpload {
  result: HttpResult;
  /** whether `until()` came true while the rest of the body was held back */
  early: boolean;
}

/**
 * POST `body` but send only its first `cut` bytes, then poll `until` (every 40 ms, at most `waitMs`)
 * while the rest is held back; then either send the rest or, with `abandon`, close the connection.
 */
export function rawUpload(
  t: CheckContext,
  body: Buffer,
  opts: { cut: number; waitMs: number; until?: () => Promise<boolean>; abandon?: boolean },
): Promise<RawUpload> {
  const url = new URL('/upload', t.service.baseUrl);
  return new Promise((resolve) => {
    let early = false;
    let status = 0;
    const headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (aborted: boolean, error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({
        result: { status, headers, body: Buffer.concat(chunks), aborted, ...(error ? { error } : {}) },
        early,
      });
    };
    // the deadline runs from the last byte sent: holding back is the check's doing, not the service's
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = () =>
      setTimeout(() => {
        req.destroy();
        finish(true, `no complete response within ${ANSWER_TIMEOUT_MS} ms`);
      }, ANSWER_TIMEOUT_MS);
    const req = http.request(url, {
      method: 'POST',
      headers: { 'content-type': XLSX_TYPE, 'content-length': String(body.length) },
      agent: false,
    });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish(false));
      res.on('error', (err) => finish(true, err.message));
    });
    req.on('error', (err) => finish(true, (err as NodeJS.ErrnoException).code ?? err.message));
    t.signal.addEventListener('abort', () => req.destroy(), { once: true });
    req.write(body.subarray(0, opts.cut));
    void (async () => {
      const until = Date.now() + opts.waitMs;
      while (!done && Date.now() < until && t.service.alive()) {
        try {
          if (opts.until && (await opts.until())) {
            early = true;
            break;
          }
        } catch {
          break; // the service went away: the answer (or its absence) tells the story
        }
        await sleep(40);
      }
      if (done) return;
      if (opts.abandon) {
        req.destroy();
        finish(true, 'the check closed the connection halfway through the upload');
      } else {
        timer = deadline();
        req.end(body.subarray(opts.cut));
      }
    })();
  });
}

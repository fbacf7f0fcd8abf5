// Draws a model run as SVG markup. Used at build time (the figure readers see before any script runs)
// and in the browser when a knob changes, so both always show the same picture.
import type { ModelParams, ModelResult } from './model.ts';

const W = 720;
const H = 280;
const M = { top: 14, right: 14, bottom: 36, left: 52 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderModelSvg(p: ModelParams, r: ModelResult): string {
  const tMax = 80;
  const top = Math.ceil((Math.max(p.containerMb, ...r.samples.map((s) => s.rss)) * 1.1) / 100) * 100;
  const x = (t: number) => M.left + (t / tMax) * (W - M.left - M.right);
  const y = (mb: number) => H - M.bottom - (mb / top) * (H - M.top - M.bottom);
  const path = (pick: (s: ModelResult['samples'][number]) => number) =>
    r.samples.map((s, i) => `${i ? 'L' : 'M'}${x(s.t).toFixed(1)},${y(pick(s)).toFixed(1)}`).join('');
  const out: string[] = [];
  out.push(`<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="mm-title" class="mm-svg">`);
  out.push(`<title id="mm-title">Model: memory across eight uploads. ${esc(r.verdict)}</title>`);
  for (let v = 0; v <= top; v += top / 4) {
    out.push(`<line class="mm-grid" x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}"/>`);
    out.push(`<text class="mm-tick" x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`);
  }
  for (let t = 0; t <= tMax; t += 10)
    out.push(`<text class="mm-tick" x="${x(t)}" y="${H - M.bottom + 16}" text-anchor="middle">${t}</text>`);
  out.push(
    `<text class="mm-axis" x="${(M.left + W - M.right) / 2}" y="${H - 4}" text-anchor="middle">minutes (an upload every 10)</text>`,
  );
  out.push(
    `<text class="mm-axis" transform="translate(13 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">MB</text>`,
  );
  out.push(
    `<line class="mm-limit" x1="${M.left}" x2="${W - M.right}" y1="${y(p.containerMb)}" y2="${y(p.containerMb)}"/>`,
  );
  out.push(
    `<text class="mm-limit-label" x="${W - M.right - 4}" y="${y(p.containerMb) - 9}" text-anchor="end">container limit ${p.containerMb} MB</text>`,
  );
  if (p.memLimitMb !== null) {
    out.push(
      `<line class="mm-memlimit" x1="${M.left}" x2="${W - M.right}" y1="${y(p.memLimitMb)}" y2="${y(p.memLimitMb)}"/>`,
    );
    out.push(
      `<text class="mm-memlimit-label" x="${M.left + 4}" y="${y(p.memLimitMb) - 9}">GOMEMLIMIT ${p.memLimitMb} MiB</text>`,
    );
  }
  out.push(`<path class="mm-rss" d="${path((s) => s.rss)}"/>`);
  out.push(`<path class="mm-heap" d="${path((s) => s.heap)}"/>`);
  out.push(`<path class="mm-live" d="${path((s) => s.live)}"/>`);
  for (const t of r.killTimes) {
    const cx = x(t);
    const cy = y(p.containerMb);
    out.push(
      `<path class="mm-kill" d="M${cx - 5},${cy - 5}L${cx + 5},${cy + 5}M${cx + 5},${cy - 5}L${cx - 5},${cy + 5}"/>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}

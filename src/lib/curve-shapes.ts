// Stylised memory curves, one per kind of incident shape. Points are in a unit box: x 0..1 (time),
// y 0..1 (memory, 0 at the bottom). Used by the home cards and the Toolkit's illustrations.
import type { CurveKind } from '../content/chapter-schema.ts';

export interface CurveShape {
  points: Array<[number, number]>;
  /** x positions where the process restarted (OOM kill) */
  restarts: number[];
  /** y of the memory limit line, when the shape hits one */
  limit?: number;
  /** what the shape means, for captions and screen readers */
  description: string;
}

// Small deterministic wobble so sketches look like measurements, not geometry.
function wobble(i: number, amount: number): number {
  return Math.sin(i * 2.3) * amount * 0.6 + Math.sin(i * 5.1 + 1) * amount * 0.4;
}

function range(n: number): number[] {
  return Array.from({ length: n + 1 }, (_, i) => i / n);
}

/** The incident shapes, plus "healthy" for comparison in the Toolkit. */
export type SketchKind = CurveKind | 'healthy';

export function curveShape(kind: SketchKind): CurveShape {
  switch (kind) {
    case 'spike': {
      const points: Array<[number, number]> = [];
      for (const [i, x] of range(40).entries()) {
        let y = 0.18 + wobble(i, 0.02);
        if (x > 0.42 && x <= 0.56) y = 0.18 + ((x - 0.42) / 0.14) ** 1.4 * 0.62;
        points.push([x, y]);
        if (Math.abs(x - 0.56) < 0.001) points.push([0.565, 0.12]);
      }
      return {
        points,
        restarts: [0.565],
        limit: 0.8,
        description:
          'Flat, then one request drives memory straight up to the limit; the process is killed and restarts low.',
      };
    }
    case 'slow-leak': {
      const points = range(40).map((x, i): [number, number] => [x, 0.12 + x * 0.7 + wobble(i, 0.025)]);
      return {
        points,
        restarts: [],
        description: 'Memory climbs a little with every hour of traffic and never comes back down.',
      };
    }
    case 'step': {
      const points: Array<[number, number]> = [];
      const steps = [0, 0.2, 0.45, 0.6, 0.8];
      let level = 0.14;
      for (const [i, x] of range(40).entries()) {
        const before = level;
        level = 0.14 + steps.filter((s) => s > 0 && s <= x).length * 0.17;
        if (level !== before) points.push([x, before]);
        points.push([x, level + wobble(i, 0.012)]);
      }
      return {
        points,
        restarts: [],
        description:
          'Memory jumps at each event (a deploy, a batch, a burst of failed requests) and stays at the new level.',
      };
    }
    case 'sawtooth': {
      const points: Array<[number, number]> = [];
      const restarts = [0.3, 0.62, 0.94];
      let start = 0;
      for (const r of restarts) {
        for (let x = start; x <= r + 1e-9; x += 0.025) points.push([x, 0.12 + ((x - start) / (r - start)) * 0.68]);
        points.push([r, 0.8], [r + 0.004, 0.12]);
        start = r + 0.004;
      }
      points.push([1, 0.12 + ((1 - start) / 0.32) * 0.68]);
      return {
        points,
        restarts,
        limit: 0.8,
        description: 'Memory ramps up to the limit, the process is OOM-killed and restarts, and the ramp begins again.',
      };
    }
    case 'steady-with-bumps': {
      // a steady climb, plus a bump at every periodic job that only partly recedes
      const points = range(60).map((x, i): [number, number] => {
        const phase = (x * 6) % 1;
        const bump = phase < 0.12 ? Math.sin((phase / 0.12) * Math.PI) * 0.14 : 0;
        return [x, 0.14 + x * 0.55 + bump + wobble(i, 0.012)];
      });
      return {
        points,
        restarts: [],
        description:
          'Memory climbs steadily all day, with a bump at every periodic job, and never returns to its floor.',
      };
    }
    case 'healthy': {
      const points = range(48).map((x, i): [number, number] => {
        const bump = Math.max(0, Math.sin(x * Math.PI * 6)) ** 3 * 0.3;
        return [x, 0.24 + bump + wobble(i, 0.015)];
      });
      return {
        points,
        restarts: [],
        description: 'Memory rises under load and returns to the same floor after every garbage collection: healthy.',
      };
    }
  }
}

/** SVG path data for a shape drawn into a width × height box with padding. */
export function shapePath(shape: CurveShape, width: number, height: number, pad = 4): string {
  const sx = (x: number) => (pad + x * (width - 2 * pad)).toFixed(1);
  const sy = (y: number) => (height - pad - y * (height - 2 * pad)).toFixed(1);
  return shape.points.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x)} ${sy(y)}`).join(' ');
}

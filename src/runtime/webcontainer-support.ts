// Can this page boot a WebContainer at all? Checked before loading the (large) adapter, so the
// reader gets a reason instead of a hang. Kept separate from webcontainer.ts to stay tiny.
export interface SupportResult {
  ok: boolean;
  reason?: string;
}

export function webContainerSupport(
  env: {
    crossOriginIsolated?: boolean;
    hasSharedArrayBuffer?: boolean;
    userAgent?: string;
  } = {},
): SupportResult {
  const g = globalThis as {
    crossOriginIsolated?: boolean;
    SharedArrayBuffer?: unknown;
    navigator?: { userAgent?: string };
  };
  const isolated = env.crossOriginIsolated ?? g.crossOriginIsolated === true;
  const sab = env.hasSharedArrayBuffer ?? typeof g.SharedArrayBuffer === 'function';
  const ua = env.userAgent ?? g.navigator?.userAgent ?? '';

  const browser = browserProblem(ua);
  if (browser) return { ok: false, reason: browser };
  if (!isolated || !sab)
    return {
      ok: false,
      reason:
        'The in-browser runtime needs a cross-origin isolated page, and this one is not: the site must be served with ' +
        'the headers "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" (over HTTPS, or on localhost).',
    };
  return { ok: true };
}

function browserProblem(ua: string): string | null {
  if (!ua) return null;
  if (/iPhone|iPad|iPod/.test(ua))
    return 'The in-browser runtime is not reliable on iOS (memory limits). Use a desktop browser, or run the workbook locally with `npm start`.';
  const safari = /Version\/(\d+)\.(\d+).*Safari/.exec(ua);
  if (safari && !/Chrome|Chromium|Edg\//.test(ua)) {
    const [major, minor] = [Number(safari[1]), Number(safari[2])];
    if (major < 16 || (major === 16 && minor < 4))
      return 'The in-browser runtime needs Safari 16.4 or newer (or a Chromium-based browser or Firefox).';
  }
  if (!/Chrome|Chromium|Firefox|Safari/.test(ua))
    return 'The in-browser runtime works in Chromium-based browsers, Firefox and Safari 16.4+; this browser is not one of them.';
  return null;
}

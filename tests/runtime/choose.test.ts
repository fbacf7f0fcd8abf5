// Which runtime a page gets, and why not the other one.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listRuntimes, pickRuntime } from '../../src/runtime/choose.ts';
import { webContainerSupport } from '../../src/runtime/webcontainer-support.ts';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/149.0.0.0 Safari/537.36';
const SAFARI_16_1 =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 13_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.1 Safari/605.1.15';
const SAFARI_17 =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

afterEach(() => vi.unstubAllGlobals());

describe('webContainerSupport', () => {
  it('needs a cross-origin isolated page and names the headers', () => {
    const r = webContainerSupport({ crossOriginIsolated: false, hasSharedArrayBuffer: true, userAgent: CHROME });
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
  });
  it('accepts Chromium and Safari 16.4+, refuses older Safari and iOS with a reason', () => {
    expect(webContainerSupport({ crossOriginIsolated: true, hasSharedArrayBuffer: true, userAgent: CHROME })).toEqual({
      ok: true,
    });
    expect(
      webContainerSupport({ crossOriginIsolated: true, hasSharedArrayBuffer: true, userAgent: SAFARI_17 }),
    ).toEqual({ ok: true });
    expect(
      webContainerSupport({ crossOriginIsolated: true, hasSharedArrayBuffer: true, userAgent: SAFARI_16_1 }).reason,
    ).toMatch(/Safari 16\.4 or newer/);
    expect(
      webContainerSupport({ crossOriginIsolated: true, hasSharedArrayBuffer: true, userAgent: IPHONE }).reason,
    ).toMatch(/iOS/);
  });
});

describe('choosing', () => {
  it('prefers the local runner when the page has its token and it answers', async () => {
    const seen: Array<[string, string | null]> = [];
    vi.stubGlobal('document', { querySelector: () => ({ getAttribute: () => 'tok123' }) });
    vi.stubGlobal('navigator', { userAgent: CHROME });
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      seen.push([url, new Headers(init?.headers).get('authorization')]);
      return Response.json({ ok: true });
    });
    const list = await listRuntimes();
    expect(list).toEqual([
      { kind: 'local', available: true, reason: undefined },
      { kind: 'webcontainer', available: true, reason: undefined },
    ]);
    expect(seen).toEqual([['/api/health', 'Bearer tok123']]);
    expect(pickRuntime(list, null)).toBe('local');
    expect(pickRuntime(list, 'webcontainer')).toBe('webcontainer');
  });

  it('falls back to WebContainer when the runner is gone, and to nothing with reasons', async () => {
    vi.stubGlobal('document', { querySelector: () => ({ getAttribute: () => 'tok123' }) });
    vi.stubGlobal('navigator', { userAgent: CHROME });
    vi.stubGlobal('crossOriginIsolated', true);
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    let list = await listRuntimes();
    expect(list[0]).toMatchObject({ kind: 'local', available: false, reason: expect.stringMatching(/npm start/) });
    expect(pickRuntime(list, 'local')).toBe('webcontainer');

    vi.stubGlobal('document', { querySelector: () => null });
    vi.stubGlobal('crossOriginIsolated', false);
    list = await listRuntimes();
    expect(list.every((r) => !r.available && r.reason)).toBe(true);
    expect(pickRuntime(list, null)).toBe(null);
  });
});

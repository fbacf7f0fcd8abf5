// /labs/<id>/runtime.json: the workspace the WebContainer adapter mounts. Shape: engine/bundle.ts.
import type { APIRoute, GetStaticPaths } from 'astro';
import { bundleLabIds, runtimeBundle } from '../../../../engine/bundle.ts';
import { loadLab } from '../../../../engine/load-lab.ts';

// Node labs only: WebContainer has no Go toolchain, so a Go lab's page shows recorded profiles instead.
export const getStaticPaths: GetStaticPaths = () =>
  bundleLabIds()
    .filter((id) => loadLab(id).manifest.language !== 'go')
    .map((id) => ({ params: { id } }));

export const GET: APIRoute = async ({ params }) =>
  new Response(JSON.stringify(await runtimeBundle(String(params.id))), {
    headers: { 'content-type': 'application/json' },
  });

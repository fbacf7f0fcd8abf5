// /labs/<id>/runtime.json: the workspace the WebContainer adapter mounts. Shape: engine/bundle.ts.
import type { APIRoute, GetStaticPaths } from 'astro';
import { bundleLabIds, runtimeBundle } from '../../../../engine/bundle.ts';

export const getStaticPaths: GetStaticPaths = () => bundleLabIds().map((id) => ({ params: { id } }));

export const GET: APIRoute = async ({ params }) =>
  new Response(JSON.stringify(await runtimeBundle(String(params.id))), {
    headers: { 'content-type': 'application/json' },
  });

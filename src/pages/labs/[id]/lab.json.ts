// /labs/<id>/lab.json: manifest + starter files (no solution, no checks). Shape: engine/bundle.ts.
import type { APIRoute, GetStaticPaths } from 'astro';
import { bundleLabIds, pageBundle } from '../../../../engine/bundle.ts';

export const getStaticPaths: GetStaticPaths = () => bundleLabIds().map((id) => ({ params: { id } }));

export const GET: APIRoute = async ({ params }) =>
  new Response(JSON.stringify(await pageBundle(String(params.id))), {
    headers: { 'content-type': 'application/json' },
  });

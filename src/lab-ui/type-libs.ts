// Type declarations bundled at build time (Vite ?raw globs) so the editor knows Node's API and the lab
// kit's types with no network request. This module is its own chunk, fetched after the editor is up.
const nodeTypes = import.meta.glob(['/node_modules/@types/node/**/*.d.ts', '!/node_modules/@types/node/ts5.6/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const undiciTypes = import.meta.glob('/node_modules/undici-types/*.d.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
// The kit's public types and the contract files they import (the workspace has them at contracts/).
const kitSources = import.meta.glob(['/kit/index.ts', '/kit/types.ts', '/kit/random.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const contractSources = import.meta.glob(
  ['/contracts/check-result.ts', '/contracts/format.ts', '/contracts/lab-protocol.ts'],
  {
    query: '?raw',
    import: 'default',
    eager: true,
  },
) as Record<string, string>;

// Labs that vendor a library (labs/<id>/vendor.json) ship its types as labs/<id>/vendor/<name>.d.ts,
// which re-exports the package's own declarations; those are bundled here too, at node_modules/<pkg>/
// as in the workspace, so `import ... from '../vendor/exceljs.js'` resolves in the editor.
const vendorDeclarations = import.meta.glob('/labs/*/vendor/*.d.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const vendoredPackageTypes = import.meta.glob(
  ['/node_modules/exceljs/index.d.ts', '/node_modules/exceljs/package.json'],
  {
    query: '?raw',
    import: 'default',
    eager: true,
  },
) as Record<string, string>;

/** The vendored npm packages whose declarations this module bundles (a test keeps it in step with vendor.json). */
export function vendoredTypePackages(): string[] {
  return [...new Set(Object.keys(vendoredPackageTypes).map((p) => p.split('/')[2]!))].sort();
}

/** Extra libraries for Monaco's TypeScript service, at URIs that mirror a lab workspace on disk. */
export function typeLibraries(root: string, labId: string): { filePath: string; content: string }[] {
  const libs: { filePath: string; content: string }[] = [];
  for (const [path, content] of Object.entries({ ...nodeTypes, ...undiciTypes })) {
    libs.push({ filePath: root + path.slice(1), content });
  }
  for (const [path, content] of Object.entries(kitSources)) {
    libs.push({ filePath: `${root}kit/${path.split('/').pop()}`, content });
  }
  for (const [path, content] of Object.entries(contractSources)) {
    libs.push({ filePath: `${root}contracts/${path.split('/').pop()}`, content });
  }
  for (const [path, content] of Object.entries(vendorDeclarations)) {
    const [, , lab, , name] = path.split('/');
    if (lab === labId) libs.push({ filePath: `${root}vendor/${name}`, content });
  }
  for (const [path, content] of Object.entries(vendoredPackageTypes)) {
    libs.push({ filePath: root + path.slice(1), content });
  }
  libs.push({
    filePath: `${root}package.json`,
    content: JSON.stringify({ type: 'module', imports: { '#kit': './kit/index.ts' } }),
  });
  return libs;
}

// Top-level site navigation. Links to pages that other parts of the workbook provide are listed only
// when the page exists in src/pages, so the header never points at a 404.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface NavLink {
  href: string;
  label: string;
}

const optional: Array<NavLink & { page: string }> = [
  { href: '/field-guide/', label: 'Field guide', page: 'field-guide' },
  { href: '/progress/', label: 'Progress', page: 'progress' },
  { href: '/guide/', label: 'Facilitator guide', page: 'guide' },
];

function pageExists(name: string): boolean {
  const pages = join(process.cwd(), 'src', 'pages');
  return ['.astro', '.md', '.mdx', '/index.astro', '/index.md', '/index.mdx'].some((ext) =>
    existsSync(join(pages, name + ext)),
  );
}

export function siteNav(): NavLink[] {
  return [
    { href: '/', label: 'Incidents' },
    { href: '/chapters/toolkit/', label: 'Toolkit' },
    ...optional.filter((link) => pageExists(link.page)).map(({ href, label }) => ({ href, label })),
  ];
}

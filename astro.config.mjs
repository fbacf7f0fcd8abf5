// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';

export default defineConfig({
  site: 'http://127.0.0.1:4321',
  integrations: [mdx()],
  server: { host: '127.0.0.1', port: 4321 },
  trailingSlash: 'always',
  // Both code themes are emitted as CSS variables; src/styles/global.css picks one per colour scheme.
  markdown: { shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' }, defaultColor: false } },
});

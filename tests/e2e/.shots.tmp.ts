import { launchBrowser, openPage, startSite } from './harness.ts';
const [path, width, ...ys] = process.argv.slice(2);
const site = await startSite({ server: 'static' });
const browser = await launchBrowser();
const scheme = (process.env.SCHEME as 'light' | 'dark') ?? 'light';
const w = await openPage(browser, { width: Number(width), height: Number(width) < 500 ? 800 : 1000, colorScheme: scheme });
await w.page.goto(site.url(path!));
for (const y of ys) {
  await w.page.evaluate((yy) => window.scrollTo(0, yy), Number(y));
  await w.page.waitForTimeout(100);
  await w.page.screenshot({ path: `/tmp/shots/${path!.replace(/\//g, '_')}-${width}-${scheme}-${y}.png` });
}
console.log(w.errors);
await w.close(); await browser.close(); await site.close();

// Entry of the lab island, loaded by <Lab> only when the reader presses "Start lab".
import type { LabManifest } from '../labs/manifest.ts';

export async function mountLab(section: HTMLElement, manifest: LabManifest): Promise<void> {
  const { LabApp } = await import('./app.ts');
  const app = new LabApp(section, manifest);
  await app.mount();
}

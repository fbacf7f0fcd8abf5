// Entry of the lab island, loaded by <Lab> only when the reader presses "Start lab". The lab bundle and
// the workspace shell download in parallel; the lab starts as soon as both are there, and the editor
// (the largest part) follows once the service answers.
import type { LabManifest } from '../../contracts/manifest.ts';
import { loadStarterFiles } from './bundle.ts';

export async function mountLab(section: HTMLElement, manifest: LabManifest): Promise<void> {
  const [{ LabApp }, starter] = await Promise.all([import('./app.ts'), loadStarterFiles(manifest)]);
  const app = new LabApp(section, manifest);
  // Returns once the workspace is on screen; the service and the editor keep arriving in the background.
  app.mount(starter, () => import('./editor-panel.ts'));
}

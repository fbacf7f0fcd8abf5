// The lab workspace: editor, output, chart, snapshots, checks. Assembled from small panels.
import type { LabManifest } from '../labs/manifest.ts';

export class LabApp {
  readonly section: HTMLElement;
  readonly manifest: LabManifest;
  constructor(section: HTMLElement, manifest: LabManifest) {
    this.section = section;
    this.manifest = manifest;
  }
  async mount(): Promise<void> {
    this.section.dataset.started = 'true';
    const root = document.createElement('div');
    root.className = 'lab-app';
    root.textContent = `${this.manifest.title}: starting…`;
    this.section.append(root);
  }
}

// Profiles recorded from a real run of each Go lab (labs/<lab>/recordings/, written by
// `npm run lab -- record-profiles`), bundled as assets so the page can show them where the lab cannot run.
import type { ProfileRecording } from '../../../contracts/profile-recording.ts';

const indexes = import.meta.glob<ProfileRecording>('../../../labs/*/recordings/index.json', {
  eager: true,
  import: 'default',
});
const urls = import.meta.glob<string>('../../../labs/*/recordings/*.pb.gz', {
  eager: true,
  query: '?url',
  import: 'default',
});

export interface RecordedProfiles {
  recording: ProfileRecording;
  /** the profiles in recording order, each with the URL of its bytes */
  files: Array<ProfileRecording['profiles'][number] & { url: string }>;
}

export function recordedProfiles(labId: string): RecordedProfiles | null {
  const recording = indexes[`../../../labs/${labId}/recordings/index.json`];
  if (!recording) return null;
  const files = recording.profiles.flatMap((p) => {
    const url = urls[`../../../labs/${labId}/recordings/${p.file}`];
    return url ? [{ ...p, url }] : [];
  });
  return { recording, files };
}

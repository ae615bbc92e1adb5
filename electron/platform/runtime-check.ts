// Electron 45 ships Node 22+; the host relies on it (import.meta.dirname, node:sqlite-era APIs, fetch).
export const MIN_NODE_MAJOR = 22;

/** A message for the log when `nodeVersion` (process.versions.node) is too old, else null. */
export function nodeVersionProblem(nodeVersion: string, minMajor = MIN_NODE_MAJOR): string | null {
  const major = Number.parseInt(nodeVersion.split('.')[0] ?? '', 10);
  if (Number.isInteger(major) && major >= minMajor) return null;
  return `dspatch needs Node ${minMajor} or newer inside Electron, but this Electron ships Node ${nodeVersion}. Quitting.`;
}

import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from '../../../electron/platform/runtime-check';

describe('nodeVersionProblem', () => {
  it.each(['22.0.0', '22.20.0', '24.11.1', '30.0.0-nightly'])('accepts Node %s', (version) => {
    expect(nodeVersionProblem(version)).toBeNull();
  });

  it.each(['20.19.0', '21.9.9', '', 'garbage', 'v22.1.0'])(
    'refuses Node %j with a clear message',
    (version) => {
      expect(nodeVersionProblem(version)).toMatch(/needs Node 22 or newer inside Electron/);
    },
  );
});

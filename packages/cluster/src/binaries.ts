// The cluster's programs: Temporal Server and its schema tool, built from their Go module at one pinned
// version, once, into .tools/temporal-server/<version>/; PostgreSQL's server programs from the machine.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { UserError, repoRoot } from '@background-check/common';

/** The server version the Temporal CLI 1.9.1's dev server embeds: both topologies run the same server. */
export const TEMPORAL_SERVER_VERSION = 'v1.32.0';
const MODULE = 'go.temporal.io/server';
const BUILD_BOUND_MS = 20 * 60_000;

export interface ServerBinaries {
  server: string;
  sql: string;
}

export const serverBinariesDir = () =>
  path.join(
    process.env.BACKGROUNDCHECK_TOOLS_DIR || path.join(repoRoot(), '.tools'),
    'temporal-server',
    TEMPORAL_SERVER_VERSION,
  );

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The built server and sql tool; builds them first when missing (`go install`, minutes the first time).
 * GOTOOLCHAIN=local: the Go on PATH builds it, nothing downloads a toolchain.
 */
export async function ensureServerBinaries(
  log: (line: string) => void = console.log,
  signal?: AbortSignal,
): Promise<ServerBinaries> {
  const dir = serverBinariesDir();
  const binaries = { server: path.join(dir, 'server'), sql: path.join(dir, 'sql') };
  if (isExecutable(binaries.server) && isExecutable(binaries.sql)) return binaries;

  const go = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 30_000, env: process.env });
  if (go.error || go.status !== 0) {
    throw new UserError(
      `Go was not found (\`go version\`: ${go.error?.message ?? go.stderr.trim()}).\n` +
        `The cluster's Temporal Server is built from its Go module (${MODULE} ${TEMPORAL_SERVER_VERSION}), which needs Go 1.26.8 or later:\n` +
        'install it (https://go.dev/dl/) and put `go` on PATH.',
    );
  }
  const targets = [
    `${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
    `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
  ];
  log(`Building Temporal Server ${TEMPORAL_SERVER_VERSION} and its sql tool with ${go.stdout.trim()}, once:`);
  log(`  go install ${targets.join(' ')}`);
  log(`  (from the Go module proxy; about 5 minutes the first time) into ${path.relative(repoRoot(), dir)} ...`);
  // Built into a side folder and moved in place at the end: an interrupted build leaves nothing half-done.
  const partial = `${dir}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  const started = Date.now();
  const child = spawn('go', ['install', ...targets], {
    env: { ...process.env, GOTOOLCHAIN: 'local', GOBIN: partial },
    stdio: ['ignore', 'pipe', 'pipe'],
    signal, // an abort (Ctrl-C) kills the build
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const progress = setInterval(() => log(`  ... still building (${seconds()} s)`), 60_000);
  const bound = setTimeout(() => child.kill('SIGKILL'), BUILD_BOUND_MS);
  // 'close' follows an 'error' (the abort, or go vanishing) too.
  child.on('error', (err) => (output += `${err.message}\n`));
  const [code, killedBy] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (...exit) => resolve(exit)),
  ).finally(() => {
    clearInterval(progress);
    clearTimeout(bound);
  });
  if (code !== 0) {
    const tail = output.trim().split('\n').slice(-20).join('\n');
    throw new UserError(
      `go install failed (${code ?? killedBy}) after ${seconds()} s:\n${tail}\n` +
        `The Go on PATH builds it (GOTOOLCHAIN=local): it must be at least the version ${MODULE}@${TEMPORAL_SERVER_VERSION}'s go.mod asks for.`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(partial, dir);
  log(`Built in ${seconds()} s.`);
  return binaries;
}

export interface PostgresPrograms {
  bindir: string;
  /** Prefix that runs a PostgreSQL server program as a user it accepts (it refuses root). */
  runAs: string[];
  /** uid/gid that must own the data folder. */
  owner?: { uid: number; gid: number; name: string };
}

/** PostgreSQL's server programs: BACKGROUNDCHECK_PG_BINDIR, else `pg_config --bindir`. */
export function findPostgres(env = process.env): PostgresPrograms {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8', timeout: 10_000, env });
  const bindir = env.BACKGROUNDCHECK_PG_BINDIR || (fromConfig.status === 0 ? fromConfig.stdout.trim() : '');
  const missing = ['initdb', 'postgres', 'pg_isready'].filter((p) => !bindir || !isExecutable(path.join(bindir, p)));
  if (missing.length > 0) {
    throw new UserError(
      `PostgreSQL's server programs were not found (${missing.join(', ')} in ${bindir ? `"${bindir}"` : '`pg_config --bindir`, which is not on PATH'}).\n` +
        'Install PostgreSQL 12 or later (Debian: `apt-get install postgresql`), or set BACKGROUNDCHECK_PG_BINDIR to the folder that holds initdb and postgres.',
    );
  }
  if (process.getuid?.() !== 0) return { bindir, runAs: [] };
  // PostgreSQL refuses to run as root: run it as the system's PostgreSQL user, on a data folder that user owns.
  const name = env.BACKGROUNDCHECK_PG_USER || 'postgres';
  const id = (flag: string) => spawnSync('id', [flag, name], { encoding: 'utf8', env });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0) {
    throw new UserError(
      `PostgreSQL refuses to run as root, and there is no user "${name}" to run it as.\n` +
        'Run as a non-root user, create that user (`useradd --system postgres`), or set BACKGROUNDCHECK_PG_USER to another one.',
    );
  }
  const owner = { uid: Number(uid.stdout), gid: Number(gid.stdout), name };
  return {
    bindir,
    owner,
    runAs: ['setpriv', `--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', '--'],
  };
}

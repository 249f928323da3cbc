// A private PostgreSQL for the cluster: its own data folder and port, TCP on 127.0.0.1 only, no Unix
// socket (so nothing of the system's own PostgreSQL is touched), trust authentication for the local user
// `temporal`, and connections enough for four services' pools.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '@background-check/common';
import { findPostgres, type PostgresPrograms } from './binaries';

export const PG_USER = 'temporal';
const MAX_CONNECTIONS = 300; // the services' pools: 4 x (20 + 20) at most, plus the schema tool

export interface PostgresServer {
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Fast shutdown (SIGINT, what `pg_ctl stop -m fast` sends), SIGKILL after the bound; waits for the exit. */
  stop(): Promise<void>;
}

const tail = (file: string, lines = 15) =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n') : '';

/** Runs a PostgreSQL program to completion as the user it accepts; a UserError with its output otherwise. */
function runProgram(pg: PostgresPrograms, program: string, args: string[]): void {
  const [command, ...prefix] = [...pg.runAs, path.join(pg.bindir, program)];
  const run = spawnSync(command!, [...prefix, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0)
    throw new UserError(`${program} failed (${run.error?.message ?? run.status}):\n${run.stderr}${run.stdout}`);
}

/** Creates the data folder (initdb) unless it holds one already; returns true when it was created. */
export function initDataDir(pg: PostgresPrograms, dataDir: string): boolean {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return false;
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (pg.owner) fs.chownSync(dataDir, pg.owner.uid, pg.owner.gid);
  try {
    runProgram(pg, 'initdb', ['-D', dataDir, '-U', PG_USER, '--auth=trust', '--encoding=UTF8', '--no-locale']);
  } catch (err) {
    const hint = pg.owner ? `\nThe user "${pg.owner.name}" runs it: it must be able to reach ${dataDir}.` : '';
    throw new UserError(`${(err as Error).message}${hint}`);
  }
  return true;
}

/** Starts postgres on the data folder and port; resolves once it accepts connections (pg_isready). */
export async function startPostgres(dataDir: string, port: number, logFile: string): Promise<PostgresServer> {
  const pg = findPostgres();
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'];
  args.push('-c', 'unix_socket_directories=', '-c', `max_connections=${MAX_CONNECTIONS}`);
  const [command, ...prefix] = [...pg.runAs, path.join(pg.bindir, 'postgres')];
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(command!, [...prefix, ...args], { stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const exited = child.exitCode === null ? once(child, 'exit') : Promise.resolve();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  const isReady = path.join(pg.bindir, 'pg_isready');
  for (;;) {
    const ready = spawnSync(isReady, ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', PG_USER], { timeout: 5_000 });
    if (ready.status === 0) return { port, dataDir, child, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new UserError(
        `PostgreSQL on port ${port} ${child.exitCode !== null ? `exited with code ${child.exitCode}` : 'was not ready within 60 s'}. Its log (${logFile}):\n${tail(logFile)}`,
      );
    }
    await sleep(200); // polling interval of a bounded wait
  }
}

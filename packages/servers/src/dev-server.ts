import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { NAMESPACE, UserError, stateDir } from '@background-check/common';
import { findTemporalCli } from './binaries';

export interface DevServerOptions {
  port?: number; // gRPC; default 7233 as in the chapter; 0 picks a free one
  uiPort?: number; // Web UI; default port + 1000 (8233), as the CLI does; 0 picks a free one
  dbFilename?: string; // state; default .temporal/dev-server.db, so executions survive a restart
  namespace?: string; // registered at start-up; default the chapter's
  log?: string; // the server's own output: a file (default .temporal/dev-server-<port>.log) or 'inherit'
  signal?: AbortSignal; // aborted while the server starts (Ctrl-C): it is stopped and the start throws the reason
}

export interface DevServer {
  address: string;
  uiUrl: string;
  dbFilename: string;
  child: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A TCP port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new UserError(`"${address}" is not a host:port address (e.g. localhost:7233).`);
  }
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port };
}

/** True for addresses on this machine: the only ones where the project may start its own server. */
export function isLocalAddress(address: string): boolean {
  const { host } = splitAddress(address);
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** True when something accepts TCP connections at host:port within the bound. */
export async function portAnswers(address: string, timeoutMs = 1000): Promise<boolean> {
  const socket = net.connect(splitAddress(address));
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error('timeout')));
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

async function namespaceAnswers(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: '2s' }).catch(() => undefined);
  if (!connection) return false;
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  } finally {
    await connection.close();
  }
}

/** Starts `temporal server start-dev` with the project's flags and waits until its namespace answers. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = findTemporalCli();
  const port = options.port === 0 ? await freePort() : (options.port ?? 7233);
  const uiPort = options.uiPort === 0 ? await freePort() : (options.uiPort ?? port + 1000);
  const dbFilename = options.dbFilename ?? path.join(stateDir(), 'dev-server.db');
  const namespace = options.namespace ?? NAMESPACE;
  const address = `localhost:${port}`;
  if (await portAnswers(address, 500)) {
    throw new UserError(
      `Port ${port} is already in use: a Temporal server (or something else) is running at ${address}. Stop it, or use it instead of starting another.`,
    );
  }
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort)];
  args.push('--db-filename', dbFilename, '--log-level', 'warn', '--namespace', namespace);
  // A Worker Deployment version reports DRAINED seconds after its last pinned execution closes, not minutes.
  for (const key of ['VersionDrainageStatusVisibilityGracePeriod', 'VersionDrainageStatusRefreshInterval']) {
    args.push('--dynamic-config-value', `matching.wv.${key}="5s"`);
  }
  const logFd =
    options.log === 'inherit'
      ? undefined
      : fs.openSync(options.log ?? path.join(stateDir(), `dev-server-${port}.log`), 'a');
  const child = spawn(cli, args, { stdio: logFd === undefined ? 'inherit' : ['ignore', logFd, logFd] });
  if (logFd !== undefined) fs.closeSync(logFd);
  const exited = child.exitCode === null ? once(child, 'exit') : Promise.resolve();

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  while (!((await portAnswers(address, 500)) && (await namespaceAnswers(address, namespace)))) {
    if (options.signal?.aborted) {
      await stop();
      options.signal.throwIfAborted();
    }
    const problem =
      child.exitCode !== null
        ? `exited with code ${child.exitCode} before it was ready`
        : 'did not become ready within 60 s';
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new UserError(`The dev server at ${address} ${problem}.`);
    }
    await sleep(250); // polling interval of a bounded wait
  }
  return { address, uiUrl: `http://localhost:${uiPort}`, dbFilename, child, stop };
}

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { DEFAULT_UI_PORT, NAMESPACE } from '@background-check/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TEMPORAL_CLI, findBinary, missingBinaryHelp } from './binaries';
import { stateDir } from './paths';

export interface DevServerOptions {
  /** gRPC port; default 7233 as in the chapter; 0 picks a free one. */
  port?: number;
  /** Web UI port; default 8233; 0 picks a free one. */
  uiPort?: number;
  /** SQLite state file; default .temporal/dev-server.db so executions survive a restart. */
  dbFilename?: string;
  /** Namespaces to register at start-up; default the chapter's namespace. */
  namespaces?: string[];
  /** Where the server's own output goes; default .temporal/dev-server-<port>.log. 'inherit' prints it. */
  log?: string | 'inherit';
  /** How long to wait for the server to answer; default 60 s. */
  readyTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  dbFilename: string;
  /** The CLI's process; undefined when the SDK's downloaded server runs it instead. */
  child?: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after a bound) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A TCP port that is free on 127.0.0.1 right now (for servers started by tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections at host:port within the bound. */
export function portAnswers(address: string, timeoutMs = 1000): Promise<boolean> {
  const { host, port } = splitAddress(address);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`"${address}" is not a host:port address (e.g. localhost:7233).`);
  }
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port };
}

/** True for addresses on this machine: the only ones where we may start our own server. */
export function isLocalAddress(address: string): boolean {
  const { host } = splitAddress(address);
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Waits until the server answers gRPC and knows the namespace; throws after the bound. */
export async function waitForServer(address: string, namespace: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`The dev server exited with code ${child.exitCode} before it was ready.`);
    }
    if (await portAnswers(address, 500)) {
      const connection = await Connection.connect({ address, connectTimeout: '2s' }).catch((err) => {
        lastError = err;
        return undefined;
      });
      if (connection) {
        try {
          await connection.workflowService.describeNamespace({ namespace });
          return;
        } catch (err) {
          lastError = err;
        } finally {
          await connection.close();
        }
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The Temporal server at ${address} did not become ready within ${timeoutMs / 1000} s${lastError ? `: ${String(lastError)}` : ''}.`);
}

/** Starts `temporal server start-dev` as a child process and waits until it is ready. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = findBinary(TEMPORAL_CLI);
  const port = options.port === 0 ? await freePort() : (options.port ?? 7233);
  const uiPort = options.uiPort === 0 ? await freePort() : (options.uiPort ?? DEFAULT_UI_PORT);
  const dbFilename = options.dbFilename ?? path.join(stateDir(), 'dev-server.db');
  const namespaces = options.namespaces ?? [NAMESPACE];
  const address = `localhost:${port}`;
  if (await portAnswers(address, 500)) {
    throw new Error(`Port ${port} is already in use: a Temporal server (or something else) is running at ${address}. Stop it, or use it instead of starting another.`);
  }
  if (!cli) return await startDownloadedDevServer({ port, uiPort, dbFilename, namespaces });
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--db-filename', dbFilename,
    '--log-level', 'warn',
    ...namespaces.flatMap((ns) => ['--namespace', ns]),
  ];
  let stdio: 'inherit' | ['ignore', number, number];
  let logFd: number | undefined;
  if (options.log === 'inherit') {
    stdio = 'inherit';
  } else {
    logFd = fs.openSync(options.log ?? path.join(stateDir(), `dev-server-${port}.log`), 'a');
    stdio = ['ignore', logFd, logFd];
  }
  const child = spawn(cli, args, { stdio });
  if (logFd !== undefined) fs.closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    await waitForServer(address, namespaces[0] ?? 'default', options.readyTimeoutMs ?? 60_000, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl: `http://localhost:${uiPort}`, dbFilename, child, stop };
}

/**
 * Fallback when no CLI binary is installed: the SDK downloads the CLI and runs the same dev
 * server (needs internet). When that fails too, the message says how to install the binary.
 */
async function startDownloadedDevServer(o: { port: number; uiPort: number; dbFilename: string; namespaces: string[] }): Promise<DevServer> {
  let env: TestWorkflowEnvironment;
  try {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        ip: '127.0.0.1',
        port: o.port,
        ui: true,
        uiPort: o.uiPort,
        dbFilename: o.dbFilename,
        namespace: o.namespaces[0],
        extraArgs: o.namespaces.slice(1).flatMap((ns) => ['--namespace', ns]),
      },
    });
  } catch (err) {
    throw new Error(`${missingBinaryHelp(TEMPORAL_CLI)}\n(The SDK's download fallback failed too: ${(err as Error).message})`);
  }
  return {
    address: `localhost:${o.port}`,
    uiUrl: `http://localhost:${o.uiPort}`,
    dbFilename: o.dbFilename,
    stop: () => env.teardown(),
  };
}

/**
 * A dev server of its own for a test or a script: free ports (never the chapter's 7233/8233), its
 * state file and log in `dir` (so a restart on the same `port` and `dir` finds the same state).
 */
export async function startDevServerIn(dir: string, port = 0): Promise<DevServer> {
  return await startDevServer({ port, uiPort: 0, dbFilename: path.join(dir, 'dev.db'), log: path.join(dir, 'server.log') });
}

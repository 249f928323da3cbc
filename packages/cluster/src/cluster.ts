// A local self-hosted Temporal cluster: frontend, history, matching and worker services as four
// processes of the server built from its Go module, on a private PostgreSQL (persistence and SQL
// visibility). State and logs in one folder (default .temporal/cluster/); the data survive a restart.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { DEFAULT_ADDRESS, NAMESPACE, UserError, stateDir } from '@background-check/common';
import { findTemporalCli, portAnswers, splitAddress } from '@background-check/servers';
import { TEMPORAL_SERVER_VERSION, ensureServerBinaries, findPostgres, type ServerBinaries } from './binaries';
import { PG_USER, initDataDir, startPostgres, type PostgresServer } from './postgres';

export const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type ServiceName = (typeof SERVICES)[number];
export type ServicePorts = Record<ServiceName, { grpc: number; membership: number }>;

/** The server's configuration (JSON is YAML): its development-postgres12 template, for one machine. */
export function clusterConfig(ports: ServicePorts, postgresPort: number, logLevel = 'warn'): object {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${postgresPort}`,
      connectProtocol: 'tcp',
      user: PG_USER,
      password: PG_USER,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const frontend = `127.0.0.1:${ports.frontend.grpc}`;
  return {
    log: { stdout: true, level: logLevel },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: 4,
      datastores: {
        'postgres-default': store('temporal', 20),
        'postgres-visibility': store('temporal_visibility', 10),
      },
    },
    // No pprof or metrics listeners: the template's fixed ports would clash between the four processes.
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(
      SERVICES.map((name) => [
        name,
        { rpc: { grpcPort: ports[name].grpc, membershipPort: ports[name].membership, bindOnLocalHost: true } },
      ]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    publicClient: { hostPort: frontend },
  };
}

/**
 * A free port on 127.0.0.1 between 20000 and 32000, for the cluster's listeners. Below the kernel's
 * ephemeral range (32768 and up), where outgoing connections take their ports: a port picked there can be
 * gone by the time a service binds it. (The membership port must stay below 32768 anyway: the server
 * stores it in a SQL smallint column.)
 */
export async function clusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = net.createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
  throw new UserError("Found no free port between 20000 and 32000 for the services' membership listeners.");
}

export interface ClusterOptions {
  address?: string; // the frontend; default TEMPORAL_ADDRESS or localhost:7233 (must be on this machine)
  dir?: string; // state and logs; default .temporal/cluster
  namespace?: string; // registered at start-up; default the chapter's
  log?: (line: string) => void;
  signal?: AbortSignal; // aborts the start-up, stopping whatever it had started
}

export interface Cluster {
  address: string;
  namespace: string;
  dir: string;
  configFile: string;
  logDir: string;
  services: Record<ServiceName, ChildProcess>;
  postgres: PostgresServer;
  /** Emits 'exit' (name, code, signal) when a process of the cluster exits while it is not being stopped. */
  events: EventEmitter;
  /** Starts one service again with the same configuration (after it died). */
  startService(name: ServiceName): ChildProcess;
  /** PostgreSQL's fast restart: fast shutdown, then the same server on the same data folder and port. */
  restartPostgres(): Promise<void>;
  /** Stops the services (SIGTERM, SIGKILL after 20 s), then PostgreSQL (fast shutdown). */
  stop(): Promise<void>;
}

function runSqlTool(sql: string, port: number, database: string, args: string[]): void {
  const connect = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(port), '-u', PG_USER];
  const run = spawnSync(sql, [...connect, '--pw', PG_USER, '--db', database, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0)
    throw new UserError(`The schema tool failed: sql ${args.join(' ')} (database ${database}):\n${run.stderr}`);
}

/** The server's own schemas (persistence, then visibility), on fresh databases; brought up to date otherwise. */
function setUpSchemas(sql: string, port: number, fresh: boolean): void {
  for (const [database, schema] of [
    ['temporal', 'postgresql/v12/temporal'],
    ['temporal_visibility', 'postgresql/v12/visibility'],
  ] as const) {
    if (fresh) {
      runSqlTool(sql, port, database, ['create-database']);
      runSqlTool(sql, port, database, ['setup-schema', '-v', '0.0']);
    }
    runSqlTool(sql, port, database, ['update-schema', '--schema-name', schema]);
  }
}

/** True once the frontend answers, the namespace exists (registered if missing), and history and matching answer. */
async function clusterAnswers(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: '2s' }).catch(() => undefined);
  if (!connection) return false;
  const service = connection.workflowService;
  try {
    const known = await service.describeNamespace({ namespace }).catch((err: { code?: number }) => {
      if (err.code !== 5) throw err; // NOT_FOUND: register it
      return undefined;
    });
    if (!known) {
      const create = ['operator', 'namespace', 'create', '--namespace', namespace, '--retention', '24h'];
      const run = spawnSync(findTemporalCli(), [...create, '--address', address], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      if (run.status !== 0 && !/already exists/i.test(run.stderr)) return false;
    }
    return await servicesAnswer(connection, namespace);
  } catch {
    return false;
  } finally {
    await connection.close();
  }
}

/**
 * True when the services answer through the frontend within 5 s: history (a describe of an execution that
 * does not exist: NOT_FOUND) and matching (a describe of a task queue).
 */
export async function servicesAnswer(
  connection: Connection,
  namespace: string,
  which: ('history' | 'matching')[] = ['history', 'matching'],
): Promise<boolean> {
  const service = connection.workflowService;
  const probe = '__cluster-ready-probe';
  try {
    await connection.withDeadline(Date.now() + 5_000, async () => {
      if (which.includes('matching')) await service.describeTaskQueue({ namespace, taskQueue: { name: probe } });
      if (which.includes('history'))
        await service.describeWorkflowExecution({ namespace, execution: { workflowId: probe } }).catch((err) => {
          if ((err as { code?: number }).code !== 5) throw err;
        });
    });
    return true;
  } catch {
    return false;
  }
}

/** The last lines of a log, each cut short (the server's JSON lines carry whole stack traces). */
const logTail = (file: string) =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .slice(-4)
        .map((line) => line.slice(0, 400))
        .join('\n')
    : '';

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => undefined);
  const address = options.address ?? (process.env.TEMPORAL_ADDRESS || DEFAULT_ADDRESS);
  const namespace = options.namespace ?? NAMESPACE;
  const frontendPort = splitAddress(address).port;
  if (await portAnswers(address, 500)) {
    throw new UserError(
      `Port ${frontendPort} is already in use: a Temporal server (or something else) is running at ${address}. Stop it, or set TEMPORAL_ADDRESS to another local port.`,
    );
  }
  const pg = findPostgres(); // before the long build: a machine without PostgreSQL learns it at once
  const binaries: ServerBinaries = await ensureServerBinaries(log, options.signal);
  const dir = options.dir ?? stateDir('cluster');
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const events = new EventEmitter();
  let stopping = false;
  const watch = (name: string, child: ChildProcess) =>
    child.once('exit', (code, signal) => stopping || events.emit('exit', name, code, signal));

  const started = Date.now();
  const dataDir = path.join(dir, 'postgres');
  // A data folder without the schemas (an earlier start-up interrupted) is started afresh.
  const schemaMark = path.join(dir, 'schemas-ready');
  if (!fs.existsSync(schemaMark)) fs.rmSync(dataDir, { recursive: true, force: true });
  const fresh = initDataDir(pg, dataDir);
  const pgLog = path.join(logDir, 'postgres.log');
  let postgres = await startPostgres(dataDir, await clusterPort(), pgLog);
  watch('postgres', postgres.child);
  const services = {} as Record<ServiceName, ChildProcess>;
  const stop = async () => {
    stopping = true;
    await Promise.all(
      Object.values(services).map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await postgres.stop();
  };

  try {
    log(`PostgreSQL ${fresh ? 'initialised and ' : ''}running on 127.0.0.1:${postgres.port} (data: ${dataDir}).`);
    setUpSchemas(binaries.sql, postgres.port, fresh);
    fs.writeFileSync(schemaMark, `${TEMPORAL_SERVER_VERSION}\n`);

    const ports = {} as ServicePorts;
    for (const name of SERVICES)
      ports[name] = { grpc: name === 'frontend' ? frontendPort : await clusterPort(), membership: await clusterPort() };
    const configFile = path.join(dir, 'config.yaml');
    fs.writeFileSync(configFile, JSON.stringify(clusterConfig(ports, postgres.port), null, 2));

    const startService = (name: ServiceName) => {
      const fd = fs.openSync(path.join(logDir, `${name}.log`), 'a');
      const args = ['--config-file', configFile, '--allow-no-auth', 'start', `--service=${name}`];
      const child = spawn(binaries.server, args, { stdio: ['ignore', fd, fd] });
      fs.closeSync(fd);
      services[name] = child;
      watch(name, child);
      return child;
    };
    const deadline = Date.now() + 90_000;
    const waitUntil = async (what: string, check: () => Promise<boolean>) => {
      while (!(await check())) {
        const dead = (Object.keys(services) as ServiceName[]).find((name) => services[name].exitCode !== null);
        if (dead) {
          const file = path.join(logDir, `${dead}.log`);
          const code = services[dead].exitCode;
          throw new UserError(
            `The ${dead} service exited with code ${code} while starting. Its log (${file}):\n${logTail(file)}`,
          );
        }
        if (Date.now() > deadline) throw new UserError(`The cluster at ${address} did not ${what} within 90 s.`);
        if (options.signal?.aborted) throw new UserError('Interrupted while the cluster was starting.', 130);
        await sleep(250); // polling interval of a bounded wait
      }
    };
    // The frontend first: on fresh databases each service writes the cluster's metadata record, and all
    // but one fail on the duplicate. Once the frontend listens, the record exists.
    startService('frontend');
    await waitUntil('open its frontend', () => portAnswers(address, 500));
    SERVICES.filter((name) => name !== 'frontend').forEach(startService);
    await waitUntil('become ready', () => clusterAnswers(address, namespace));
    log(`Cluster ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return {
      address,
      namespace,
      dir,
      configFile,
      logDir,
      services,
      get postgres() {
        return postgres;
      },
      events,
      startService,
      async restartPostgres() {
        const { port } = postgres;
        stopping = true; // an expected exit
        await postgres.stop();
        stopping = false;
        postgres = await startPostgres(dataDir, port, pgLog);
        watch('postgres', postgres.child);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

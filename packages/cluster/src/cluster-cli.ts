// `pnpm start:cluster`: a local self-hosted Temporal cluster (frontend, history, matching and worker
// as four processes, PostgreSQL for persistence and SQL visibility), until Ctrl-C. The frontend
// listens on TEMPORAL_ADDRESS (default localhost:7233); state and logs in .temporal/cluster/.
import { DEFAULT_ADDRESS, NAMESPACE, UserError, parseCommandArgs, runCommand } from '@background-check/common';
import { isLocalAddress } from '@background-check/servers';
import { TEMPORAL_SERVER_VERSION } from './binaries';
import { SERVICES, startCluster } from './cluster';

const USAGE = `Usage: pnpm start:cluster
  Starts a local self-hosted Temporal cluster until Ctrl-C: Temporal Server ${TEMPORAL_SERVER_VERSION} (built from its
  Go module into .tools/ the first time, which takes minutes) as four services, frontend, history, matching and
  worker, each its own process, on a private PostgreSQL (persistence and SQL visibility). The frontend listens on
  TEMPORAL_ADDRESS (default ${DEFAULT_ADDRESS}); namespace TEMPORAL_NAMESPACE (default ${NAMESPACE}).
  State and logs: .temporal/cluster/. Needs Go and PostgreSQL's server programs (pg_config --bindir).`;

runCommand(async () => {
  parseCommandArgs(process.argv.slice(2), {}, USAGE);
  const address = process.env.TEMPORAL_ADDRESS || DEFAULT_ADDRESS;
  if (!isLocalAddress(address)) {
    throw new UserError(
      `TEMPORAL_ADDRESS=${address} is not on this machine; \`pnpm start:cluster\` only starts a local cluster. Unset it, or use your cluster directly.`,
    );
  }
  const namespace = process.env.TEMPORAL_NAMESPACE || NAMESPACE;
  // Ctrl-C while it starts stops whatever it had started.
  const starting = new AbortController();
  const abort = (signal: NodeJS.Signals) => {
    console.log(`Received ${signal}: stopping ...`);
    starting.abort();
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  console.log(`Starting a local Temporal cluster (Temporal Server ${TEMPORAL_SERVER_VERSION}, PostgreSQL) ...`);
  const cluster = await startCluster({ address, namespace, log: console.log, signal: starting.signal });
  process.off('SIGINT', abort);
  process.off('SIGTERM', abort);
  if (starting.signal.aborted) {
    await cluster.stop();
    return 130;
  }
  const pids = SERVICES.map((name) => `${name} ${cluster.services[name].pid}`).join(', ');
  console.log(`Temporal cluster ready at ${cluster.address}, namespace "${namespace}".`);
  console.log(`Services: ${pids}; PostgreSQL ${cluster.postgres.child.pid} on 127.0.0.1:${cluster.postgres.port}.`);
  console.log(`State: ${cluster.dir}   Logs: ${cluster.logDir}`);
  console.log('Ctrl-C to stop.');
  const code = await new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      console.log(`Received ${signal}: stopping the cluster ...`);
      void cluster.stop().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    cluster.events.once('exit', (name: string, code: number | null, signal: string | null) => {
      console.error(
        `The ${name} process exited unexpectedly (${code ?? signal}); see ${cluster.logDir}. Stopping the rest ...`,
      );
      void cluster.stop().then(() => resolve(1));
    });
  });
  console.log(code === 0 ? 'Cluster stopped.' : 'The cluster stopped after a failure.');
  return code;
}, USAGE);

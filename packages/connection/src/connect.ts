import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { UserError } from '@background-check/common';
import { loadTemporalConfig, type TemporalConfig } from './config';

function unreachable(config: TemporalConfig, err: unknown): UserError {
  return new UserError(
    `Cannot reach a Temporal server at ${config.address} (${(err as Error)?.message ?? String(err)}).\n` +
      'Start the local dev server with `pnpm start:server`, or point TEMPORAL_ADDRESS (or a temporal.toml profile) at your cluster.',
  );
}

/** Fails clearly when the namespace is missing, rather than on the first workflow call. */
async function checkNamespace(config: TemporalConfig, connection: Connection): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace: config.namespace });
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code === 5 /* NOT_FOUND */) {
      throw new UserError(
        `The namespace "${config.namespace}" does not exist on ${config.address}. ` +
          'Start the dev server with `pnpm start:server` (it registers backgroundcheck_namespace), ' +
          `or create it: \`pnpm temporal operator namespace create --namespace ${config.namespace}\`.`,
      );
    }
    // Permission errors (e.g. Cloud API keys scoped to one namespace) shouldn't block the caller.
    if (code !== 7 /* PERMISSION_DENIED */) throw unreachable(config, err);
  }
}

/** A client for the configured server and namespace, checked within a bound. */
export async function connectClient(config = loadTemporalConfig(), connectTimeoutMs = 5000) {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...config.connectionOptions, connectTimeout: connectTimeoutMs });
  } catch (err) {
    throw unreachable(config, err);
  }
  try {
    await checkNamespace(config, connection);
  } catch (err) {
    await connection.close();
    throw err;
  }
  const client = new Client({ connection, namespace: config.namespace, dataConverter: config.dataConverter });
  return { config, connection, client };
}

/** A worker connection for the configured server, checked within a bound. */
export async function connectWorker(config = loadTemporalConfig(), connectTimeoutMs = 5000): Promise<NativeConnection> {
  // Check reachability and namespace with the client first: its errors are clearer.
  const { connection } = await connectClient(config, connectTimeoutMs);
  await connection.close();
  try {
    return await NativeConnection.connect(config.connectionOptions);
  } catch (err) {
    throw unreachable(config, err);
  }
}

export type Connected = Awaited<ReturnType<typeof connectClient>>;

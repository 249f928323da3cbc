import fs from 'node:fs';
import { loadClientConfigProfile, toClientOptions } from '@temporalio/envconfig';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { dataConverterFromEnv } from '@background-check/codec';
import { DEFAULT_ADDRESS, NAMESPACE, UserError } from '@background-check/common';

export interface TemporalConfig {
  address: string;
  namespace: string;
  /** Options for both `Connection.connect` (client) and `NativeConnection.connect` (worker). */
  connectionOptions: NativeConnectionOptions & { address: string };
  /** Payload encryption when BACKGROUNDCHECK_CODEC_KEY is set (see @background-check/codec); else undefined. */
  dataConverter?: DataConverter;
}

const TLS_PATH_VARS = [
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
];

/**
 * Connection settings, by the SDK's environment-configuration conventions: a `temporal.toml` profile
 * (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE) overridden by TEMPORAL_* variables (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*). With none set, the chapter's local dev server.
 */
export function loadTemporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  // The SDK's own error for a missing certificate file doesn't say which setting named it.
  for (const name of TLS_PATH_VARS) {
    const file = env[name];
    if (file && !fs.existsSync(file)) {
      throw new UserError(`${name} points at ${file}, which does not exist. Fix the path or unset ${name}.`);
    }
  }
  // An empty variable (`TEMPORAL_NAMESPACE=`) counts as unset, not as an empty namespace or address.
  const overrideEnvVars = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
  let profile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars });
  } catch (err) {
    const from = env.TEMPORAL_CONFIG_FILE ? ` from ${env.TEMPORAL_CONFIG_FILE}` : '';
    throw new UserError(`Could not load the Temporal connection profile${from}: ${(err as Error).message}`);
  }
  for (const [what, file] of [
    ['client certificate', profile.tls?.clientCert],
    ['client key', profile.tls?.clientKey],
    ['server CA certificate', profile.tls?.serverCACert],
  ] as const) {
    if (file && 'path' in file && !fs.existsSync(file.path)) {
      throw new UserError(
        `The ${what} file ${file.path} (from the Temporal profile) does not exist. Fix the path in your temporal.toml or TEMPORAL_* settings.`,
      );
    }
  }
  const { connectionOptions, namespace } = toClientOptions(profile);
  const address = connectionOptions.address ?? DEFAULT_ADDRESS;
  return {
    address,
    namespace: namespace ?? NAMESPACE,
    connectionOptions: { ...connectionOptions, address },
    dataConverter: dataConverterFromEnv(env),
  };
}

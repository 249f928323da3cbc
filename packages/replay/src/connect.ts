// Connection options with the Temporal CLI's names and precedence, so `temporal workflow replay` (this check as a
// CLI extension, which gets no TEMPORAL_* from the CLI) reaches the same server as any other `temporal` command.
import fs from 'node:fs';
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import {
  loadClientConfig,
  loadClientConfigProfile,
  toClientOptions,
  type ClientConfigProfile,
} from '@temporalio/envconfig';
import { parse as parseYaml } from 'yaml';
import { ReplayCheckError, UsageError } from './errors';

const string = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;

/** The CLI's global and connection options, for `parseArgs` (spread them into the command's own). */
export const CONNECTION_OPTIONS = {
  address: string,
  namespace: { type: 'string', short: 'n' },
  'api-key': string,
  tls: flag,
  'tls-cert-path': string,
  'tls-key-path': string,
  'tls-ca-path': string,
  'tls-cert-data': string,
  'tls-key-data': string,
  'tls-ca-data': string,
  'tls-server-name': string,
  'tls-disable-host-verification': flag,
  'grpc-meta': { type: 'string', multiple: true },
  'client-connect-timeout': string,
  profile: string,
  'config-file': string,
  'disable-config-file': flag,
  'disable-config-env': flag,
  env: string,
  'env-file': string,
} as const satisfies ParseArgsConfig['options'];

export const CONNECTION_USAGE = `Connection options (flag or --env value > TEMPORAL_* variable > temporal.toml profile):
  --address HOST:PORT             TEMPORAL_ADDRESS (default localhost:7233)
  -n, --namespace NAME            TEMPORAL_NAMESPACE (default default)
  --api-key KEY                   TEMPORAL_API_KEY (turns on TLS)
  --tls                           TEMPORAL_TLS
  --tls-cert-path, --tls-key-path, --tls-ca-path FILE     TEMPORAL_TLS_CLIENT_CERT_PATH, ...
  --tls-cert-data, --tls-key-data, --tls-ca-data PEM      TEMPORAL_TLS_CLIENT_CERT_DATA, ...
  --tls-server-name NAME          TEMPORAL_TLS_SERVER_NAME
  --grpc-meta KEY=VALUE           gRPC header (repeatable)
  --client-connect-timeout DUR    e.g. 10s (default 5s)
  --profile NAME                  TEMPORAL_PROFILE: the temporal.toml profile (default default)
  --config-file FILE              TEMPORAL_CONFIG_FILE (default ~/.config/temporalio/temporal.toml)
  --disable-config-file, --disable-config-env
  --env NAME                      TEMPORAL_ENV: an environment of the env file; its values count as flags
  --env-file FILE                 TEMPORAL_ENV_FILE (default ~/.config/temporalio/temporal.yaml)`;

export type ConnectionFlags = {
  -readonly [K in keyof typeof CONNECTION_OPTIONS]?: (typeof CONNECTION_OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof CONNECTION_OPTIONS)[K] extends { type: 'boolean' }
      ? boolean
      : string;
};

export interface ConnectionSettings {
  address: string;
  namespace: string;
  /** Options for `Connection.connect`, with the connect timeout (default 5 s). */
  connectionOptions: ConnectionOptions & { address: string; connectTimeout: number };
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/**
 * Connection settings as the Temporal CLI 1.9.1 resolves them: flags, then the values of the active environment
 * of the env file (`--env`; the CLI applies them as if they were flags), then TEMPORAL_* variables, then the
 * temporal.toml profile, then `defaults`, then the CLI's defaults. Reads files; connects to nothing.
 */
export function connectionSettings(
  values: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
  defaults: { namespace?: string; address?: string } = {},
): ConnectionSettings {
  // An empty variable (`TEMPORAL_NAMESPACE=`) counts as unset.
  const vars = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
  const envFile = readEnvFile(values, vars);
  const flags: ConnectionFlags = { ...envFile.values, ...values };
  const byFlag = (name: keyof ConnectionFlags) => values[name] !== undefined;
  const origin = (name: keyof ConnectionFlags): string =>
    byFlag(name) ? `--${name}` : `${name} in environment "${envFile.name}" of ${envFile.file}`;

  const profile = loadProfile(flags, vars);
  if (flags.address) profile.address = flags.address;
  if (flags.namespace) profile.namespace = flags.namespace;
  if (flags['api-key']) profile.apiKey = flags['api-key'];
  const meta = flags['grpc-meta'] ?? [];
  if (meta.length) profile.grpcMeta = { ...profile.grpcMeta, ...Object.fromEntries(meta.map(metaEntry)) };
  const noHostCheckVar =
    !flags['disable-config-env'] && /^(1|true)$/.test(vars.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION ?? '');
  if (flags['tls-disable-host-verification'] || noHostCheckVar) {
    // TLSConfig of the TypeScript SDK has no such switch; silently verifying anyway would be a surprise.
    throw new UsageError(
      'Disabling TLS host-name verification is not supported by the TypeScript SDK. ' +
        "Pass --tls-server-name with the name in the server's certificate instead.",
    );
  }
  const tlsFlags = Object.fromEntries(
    Object.entries({
      clientCert: sourceFlag(flags, 'tls-cert'),
      clientKey: sourceFlag(flags, 'tls-key'),
      serverCACert: sourceFlag(flags, 'tls-ca'),
      serverName: flags['tls-server-name'],
    }).filter(([, value]) => value !== undefined),
  );
  // As in the CLI: any TLS option turns TLS on (and an API key does, in toClientOptions).
  if (flags.tls || Object.keys(tlsFlags).length) profile.tls = { ...profile.tls, ...tlsFlags, disabled: false };
  checkTlsFiles(profile, (file, key) => {
    const flagName = ({ clientCert: 'tls-cert-path', clientKey: 'tls-key-path', serverCACert: 'tls-ca-path' } as const)[
      key
    ];
    if (flags[flagName] === file) return { from: origin(flagName), usage: byFlag(flagName) };
    const variable = { clientCert: 'CLIENT_CERT', clientKey: 'CLIENT_KEY', serverCACert: 'SERVER_CA_CERT' }[key];
    if (!flags['disable-config-env'] && vars[`TEMPORAL_TLS_${variable}_PATH`] === file) {
      return { from: `TEMPORAL_TLS_${variable}_PATH`, usage: false };
    }
    return { from: `the temporal.toml profile "${profileName(flags, vars)}"`, usage: false };
  });

  const { connectionOptions: configured, namespace: configuredNamespace } = toClientOptions(profile);
  const namespace = configuredNamespace ?? defaults.namespace ?? 'default';
  // A Cloud-style address may name the namespace: `${namespace}.tmprl.cloud:7233`.
  const address = (configured.address ?? defaults.address ?? 'localhost:7233').replaceAll('${namespace}', namespace);
  const timeout = flags['client-connect-timeout'];
  return {
    address,
    namespace,
    connectionOptions: {
      address,
      tls: configured.tls,
      apiKey: configured.apiKey,
      metadata: configured.metadata,
      connectTimeout: timeout ? durationMs(timeout, origin('client-connect-timeout')) : DEFAULT_CONNECT_TIMEOUT_MS,
    },
  };
}

/** The temporal.toml profile with TEMPORAL_* applied (envconfig), as --profile and --*-config-* say. */
function loadProfile(flags: ConnectionFlags, vars: Record<string, string>): ClientConfigProfile {
  const disableFile = flags['disable-config-file'];
  const disableEnv = flags['disable-config-env'];
  if (disableFile && disableEnv) return {};
  const configSource = flags['config-file'] ? { path: flags['config-file'] } : undefined;
  // envconfig takes a missing file for an empty one; a file named on purpose should exist.
  const named = configSource?.path ?? vars.TEMPORAL_CONFIG_FILE;
  if (named && !disableFile && !fs.existsSync(named)) {
    const by = configSource ? '--config-file' : 'TEMPORAL_CONFIG_FILE';
    throw new UsageError(`${by} names ${named}, which does not exist. Fix the path, or leave ${by} out.`);
  }
  try {
    return loadClientConfigProfile({
      profile: flags.profile,
      configSource,
      disableFile,
      disableEnv,
      overrideEnvVars: vars,
    });
  } catch (err) {
    const file = named ?? 'temporal.toml';
    const name = profileName(flags, vars);
    if (/not found/.test((err as Error).message)) {
      const names = Object.keys(loadClientConfig({ configSource, overrideEnvVars: vars }).profiles);
      throw new ReplayCheckError(
        `The profile "${name}" is not in ${file} (profiles there: ${names.join(', ') || 'none'}). ` +
          'Pick one with --profile or TEMPORAL_PROFILE, or add it: `temporal config set --profile ' +
          `${name} --prop address --value HOST:PORT\`.`,
      );
    }
    throw new ReplayCheckError(`Could not read the Temporal config file ${file}: ${(err as Error).message}`);
  }
}

const profileName = (flags: ConnectionFlags, vars: Record<string, string>): string =>
  flags.profile ?? vars.TEMPORAL_PROFILE ?? 'default';

/**
 * The older env file (`temporal env set`): YAML `env: {NAME: {flag-name: value}}`. Like the CLI, the environment
 * "default" applies when it exists, and naming one that does not exist is an error.
 */
function readEnvFile(values: ConnectionFlags, vars: Record<string, string>) {
  const name = values.env ?? vars.TEMPORAL_ENV ?? 'default';
  const home = vars.HOME ?? vars.USERPROFILE;
  const file =
    values['env-file'] ??
    vars.TEMPORAL_ENV_FILE ??
    (home ? path.join(home, '.config', 'temporalio', 'temporal.yaml') : undefined);
  const setBy = values.env !== undefined ? '--env' : 'TEMPORAL_ENV';
  let environments: Record<string, Record<string, unknown>> = {};
  if (file && fs.existsSync(file)) {
    try {
      const parsed: unknown = parseYaml(fs.readFileSync(file, 'utf8'));
      environments = (parsed as { env?: typeof environments } | null)?.env ?? {};
      if (typeof environments !== 'object' || Object.values(environments).some((e) => typeof e !== 'object')) {
        throw new Error('expected `env:` with one map of flag names to values per environment');
      }
    } catch (err) {
      throw new ReplayCheckError(`Could not read the env file ${file} (see --env-file): ${(err as Error).message}`);
    }
  }
  const found = Object.hasOwn(environments, name) ? (environments[name] ?? {}) : undefined;
  if (!found && name !== 'default') {
    const names = Object.keys(environments);
    throw new UsageError(
      `${setBy} names the environment "${name}", which is not in ${file ?? 'the env file (no HOME)'}` +
        (names.length ? ` (environments there: ${names.join(', ')}).` : ' (it has none).') +
        ` Pick one of those, or create it: \`temporal env set --env ${name} -k address -v HOST:PORT\`.`,
    );
  }
  const valuesFromFile: ConnectionFlags = {};
  for (const [key, value] of Object.entries(found ?? {})) {
    const option = (CONNECTION_OPTIONS as Record<string, { type: string; multiple?: boolean }>)[key];
    if (!option || key === 'env' || key === 'env-file' || value === null) continue; // the CLI's other flags
    const text = String(value);
    Object.assign(valuesFromFile, {
      [key]: option.multiple ? [text] : option.type === 'boolean' ? /^(1|t|true)$/i.test(text) : text,
    });
  }
  return { name, file, values: valuesFromFile };
}

function sourceFlag(flags: ConnectionFlags, prefix: 'tls-cert' | 'tls-key' | 'tls-ca') {
  const file = flags[`${prefix}-path`];
  const data = flags[`${prefix}-data`];
  if (file && data) throw new UsageError(`Give --${prefix}-path or --${prefix}-data, not both.`);
  return file ? { path: file } : data ? { data } : undefined;
}

type TlsFileKey = 'clientCert' | 'clientKey' | 'serverCACert';

/** The SDK's error for a missing certificate file does not say which setting named it; this one does. */
function checkTlsFiles(profile: ClientConfigProfile, originOf: (file: string, key: TlsFileKey) => OriginInfo): void {
  const what = { clientCert: 'client certificate', clientKey: 'client key', serverCACert: 'server CA certificate' };
  for (const key of Object.keys(what) as TlsFileKey[]) {
    const source = profile.tls?.[key];
    if (!source || !('path' in source) || fs.existsSync(source.path)) continue;
    const { from, usage } = originOf(source.path, key);
    const Err = usage ? UsageError : ReplayCheckError;
    throw new Err(`The ${what[key]} file ${source.path} (from ${from}) does not exist. Fix the path or unset it.`);
  }
  const tls = profile.tls;
  if (tls && !tls.disabled && !tls.clientCert !== !tls.clientKey) {
    throw new UsageError(
      'mTLS needs both a client certificate and its key: add the missing one ' +
        '(--tls-cert-path/--tls-key-path, TEMPORAL_TLS_CLIENT_CERT_PATH/TEMPORAL_TLS_CLIENT_KEY_PATH, or the profile).',
    );
  }
}

interface OriginInfo {
  from: string;
  /** A flag's mistake (usage, exit 2) rather than a configuration's. */
  usage: boolean;
}

function metaEntry(entry: string): [string, string] {
  const at = entry.indexOf('=');
  if (at <= 0) throw new UsageError(`--grpc-meta "${entry}" is not KEY=VALUE (e.g. --grpc-meta x-team=replay).`);
  return [entry.slice(0, at).toLowerCase(), entry.slice(at + 1)];
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };

/** A Go duration, as the CLI takes them: `10s`, `1m30s`, `500ms`. */
function durationMs(text: string, from: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  const ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit!]!, 0);
  if (!parts.length || parts.map((p) => p[0]).join('') !== text || ms <= 0) {
    throw new UsageError(`${from} "${text}" is not a duration: use e.g. 10s, 1m30s or 500ms.`);
  }
  return ms;
}

/**
 * A client for the configured server and namespace, connected within the connect timeout. The namespace is checked
 * up front, so a typo fails here rather than on the first workflow call.
 */
export async function connectClient(
  settings: ConnectionSettings,
  { dataConverter }: { dataConverter?: DataConverter } = {},
): Promise<{ client: Client; connection: Connection }> {
  const { address, namespace, connectionOptions } = settings;
  const unreachable = (err: unknown) =>
    new ReplayCheckError(
      `Cannot reach a Temporal server at ${address} (${(err as Error)?.message ?? String(err)}). ` +
        'Start one (`temporal server start-dev`), or point the check at yours: --address HOST:PORT, ' +
        'TEMPORAL_ADDRESS, or a temporal.toml profile (--profile).',
    );
  let connection: Connection;
  try {
    connection = await Connection.connect(connectionOptions);
  } catch (err) {
    throw unreachable(err);
  }
  try {
    await connection.withDeadline(Date.now() + connectionOptions.connectTimeout, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
  } catch (err) {
    const code = (err as { code?: number }).code;
    // Permission errors (e.g. a Cloud API key scoped to one namespace) need not block the caller.
    if (code !== 7 /* PERMISSION_DENIED */) {
      await connection.close();
      if (code !== 5 /* NOT_FOUND */) throw unreachable(err);
      throw new ReplayCheckError(
        `The namespace "${namespace}" does not exist on ${address}. Pick another with --namespace/-n or ` +
          `TEMPORAL_NAMESPACE, or create it: \`temporal operator namespace create --namespace ${namespace} ` +
          `--address ${address}\`.`,
      );
    }
  }
  return { client: new Client({ connection, namespace, dataConverter }), connection };
}

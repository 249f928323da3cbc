import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { TLSConfig } from '@temporalio/client';
import { NAMESPACE } from '@background-check/common';
import type { DevServer } from '@background-check/servers';
import { freePort, makeCertificates, startMtlsFront, tempDir, useDevServer } from '@background-check/test-support';
import { CONNECTION_OPTIONS, connectClient, connectionSettings } from '../src/connect';
import { ReplayCheckError, UsageError } from '../src/errors';

const dir = tempDir('replay-connect');
const home = path.join(dir, 'home'); // no ~/.config/temporalio files unless a test writes them
fs.mkdirSync(home);
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const flags = (...args: string[]) => parseArgs({ args, options: CONNECTION_OPTIONS, strict: true }).values;
const settings = (args: string[], env: NodeJS.ProcessEnv = {}, defaults = {}) =>
  connectionSettings(flags(...args), { HOME: home, ...env }, defaults);
const tlsOf = (args: string[], env: NodeJS.ProcessEnv = {}) => settings(args, env).connectionOptions.tls as TLSConfig;

const cert = write('cert.pem', 'CERT');
const key = write('key.pem', 'KEY');
const ca = write('ca.pem', 'CA');
const toml = write(
  'temporal.toml',
  `[profile.default]
address = "profile-host:7233"
namespace = "profile-ns"

[profile.prod]
address = "prod-host:7233"
[profile.prod.tls]
client_cert_path = "${cert}"
client_key_path = "${key}"
server_ca_cert_path = "${ca}"

[profile.broken]
[profile.broken.tls]
client_cert_path = "${path.join(dir, 'gone.pem')}"
client_key_path = "${key}"
`,
);
const envFile = write(
  'temporal.yaml',
  `env:
  staging:
    address: staging-host:7233
    namespace: staging-ns
    api-key: "staging-key"
  local:
    address: local-host:7233
`,
);

describe('connectionSettings: precedence', () => {
  const env = { TEMPORAL_CONFIG_FILE: toml, TEMPORAL_ADDRESS: 'env-host:7233' };

  test('flag beats TEMPORAL_* beats temporal.toml beats the given defaults beats the CLI defaults', () => {
    expect(settings(['--address', 'flag-host:7233'], env).address).toBe('flag-host:7233');
    expect(settings([], env).address).toBe('env-host:7233');
    expect(settings([], { TEMPORAL_CONFIG_FILE: toml }).address).toBe('profile-host:7233');
    expect(settings([], { TEMPORAL_CONFIG_FILE: toml }, { namespace: 'given' }).namespace).toBe('profile-ns');
    expect(settings(['--disable-config-file'], {}, { address: 'given:1', namespace: 'given' })).toMatchObject({
      address: 'given:1',
      namespace: 'given',
    });
    expect(settings([])).toMatchObject({ address: 'localhost:7233', namespace: 'default' });
    expect(settings([]).connectionOptions).toEqual({
      address: 'localhost:7233',
      tls: undefined,
      apiKey: undefined,
      metadata: undefined,
      connectTimeout: 5000,
    });
  });

  test('an empty variable counts as unset; --disable-config-env ignores TEMPORAL_*', () => {
    expect(settings([], { ...env, TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '' })).toMatchObject({
      address: 'profile-host:7233',
      namespace: 'profile-ns',
    });
    expect(settings(['--disable-config-env'], env).address).toBe('profile-host:7233');
  });

  test('-n and --namespace, --profile and TEMPORAL_PROFILE, --config-file', () => {
    expect(settings(['-n', 'short-ns']).namespace).toBe('short-ns');
    expect(settings(['--namespace=long-ns']).namespace).toBe('long-ns');
    expect(settings(['--config-file', toml, '--profile', 'prod']).address).toBe('prod-host:7233');
    expect(settings([], { TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' }).address).toBe('prod-host:7233');
  });

  test('a ${namespace} address template takes the resolved namespace', () => {
    expect(settings(['--address', '${namespace}.example:7233', '-n', 'ns1']).address).toBe('ns1.example:7233');
  });
});

describe('connectionSettings: TLS, API key, metadata, timeout', () => {
  test('an API key turns TLS on; --grpc-meta adds headers; --client-connect-timeout takes Go durations', () => {
    const { connectionOptions } = settings([
      '--api-key',
      'k1',
      '--grpc-meta',
      'X-Team=replay',
      '--grpc-meta',
      'b=c=d',
      '--client-connect-timeout',
      '1m30s',
    ]);
    expect(connectionOptions).toMatchObject({
      apiKey: 'k1',
      tls: true,
      metadata: { 'x-team': 'replay', b: 'c=d' },
      connectTimeout: 90_000,
    });
    expect(settings(['--tls']).connectionOptions.tls).toBeTruthy();
    expect(settings([]).connectionOptions.tls).toBeFalsy();
  });

  test('mTLS from flags: the files are read, and --tls-server-name is the SNI', () => {
    const tls = tlsOf([
      '--tls-cert-path',
      cert,
      '--tls-key-path',
      key,
      '--tls-ca-path',
      ca,
      '--tls-server-name',
      'srv',
    ]);
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toBe('CERT');
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toBe('KEY');
    expect(Buffer.from(tls.serverRootCACertificate!).toString()).toBe('CA');
    expect(tls.serverNameOverride).toBe('srv');
    const inline = tlsOf(['--tls-cert-data', 'C2', '--tls-key-data', 'K2']);
    expect(Buffer.from(inline.clientCertPair!.crt).toString()).toBe('C2');
  });

  test('mTLS from a temporal.toml profile, and a flag overriding one of its files', () => {
    const tls = tlsOf(['--profile', 'prod'], { TEMPORAL_CONFIG_FILE: toml });
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toBe('CERT');
    expect(Buffer.from(tls.serverRootCACertificate!).toString()).toBe('CA');
    const other = write('other-ca.pem', 'OTHER CA');
    const overridden = tlsOf(['--profile', 'prod', '--tls-ca-path', other], { TEMPORAL_CONFIG_FILE: toml });
    expect(Buffer.from(overridden.serverRootCACertificate!).toString()).toBe('OTHER CA');
  });
});

describe('connectionSettings: errors say what, where and what to do', () => {
  const gone = path.join(dir, 'gone.pem');

  test('a missing certificate file names the flag, the variable or the profile that set it', () => {
    expect(() => settings(['--tls-cert-path', gone, '--tls-key-path', key])).toThrow(UsageError);
    expect(() => settings(['--tls-cert-path', gone, '--tls-key-path', key])).toThrow(
      `The client certificate file ${gone} (from --tls-cert-path) does not exist`,
    );
    const env = { TEMPORAL_TLS_CLIENT_KEY_PATH: gone, TEMPORAL_TLS_CLIENT_CERT_PATH: cert };
    expect(() => settings([], env)).toThrow(`client key file ${gone} (from TEMPORAL_TLS_CLIENT_KEY_PATH)`);
    expect(() => settings(['--profile', 'broken'], { TEMPORAL_CONFIG_FILE: toml })).toThrow(
      `client certificate file ${gone} (from the temporal.toml profile "broken")`,
    );
    expect(() => settings(['--profile', 'broken'], { TEMPORAL_CONFIG_FILE: toml })).not.toThrow(UsageError);
  });

  test('a certificate without its key, an unknown profile, a missing config file', () => {
    expect(() => settings(['--tls-cert-path', cert])).toThrow(/mTLS needs both a client certificate and its key/);
    expect(() => settings(['--profile', 'nope'], { TEMPORAL_CONFIG_FILE: toml })).toThrow(
      /profile "nope" is not in .*temporal\.toml \(profiles there: default, prod, broken\)/,
    );
    expect(() => settings(['--config-file', gone])).toThrow(`--config-file names ${gone}, which does not exist`);
  });

  test('bad --grpc-meta and --client-connect-timeout values are named', () => {
    expect(() => settings(['--grpc-meta', 'no-equals'])).toThrow(UsageError);
    expect(() => settings(['--grpc-meta', 'no-equals'])).toThrow('--grpc-meta "no-equals" is not KEY=VALUE');
    expect(() => settings(['--client-connect-timeout', '5'])).toThrow('--client-connect-timeout "5" is not a duration');
  });

  test('host-name verification cannot be turned off in the TypeScript SDK: said, not ignored', () => {
    expect(() => settings(['--tls-disable-host-verification'])).toThrow(/--tls-server-name/);
    expect(() => settings([], { TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' })).toThrow(UsageError);
  });
});

describe('connectionSettings: --env, the older env file', () => {
  const env = { TEMPORAL_CONFIG_FILE: toml, TEMPORAL_ADDRESS: 'env-host:7233' };

  test('its values count as flags, as in the CLI: they beat TEMPORAL_* and temporal.toml, flags beat them', () => {
    expect(settings(['--env-file', envFile, '--env', 'staging'], env)).toMatchObject({
      address: 'staging-host:7233',
      namespace: 'staging-ns',
      connectionOptions: { apiKey: 'staging-key', tls: true },
    });
    expect(settings(['--env-file', envFile, '--env', 'staging', '-n', 'mine'], env).namespace).toBe('mine');
    expect(settings([], { ...env, TEMPORAL_ENV_FILE: envFile, TEMPORAL_ENV: 'local' })).toMatchObject({
      address: 'local-host:7233',
      namespace: 'profile-ns', // not set by "local": the next source down
    });
  });

  test('the "default" environment of ~/.config/temporalio/temporal.yaml applies without --env', () => {
    const otherHome = tempDir('replay-connect-home');
    fs.mkdirSync(path.join(otherHome, '.config', 'temporalio'), { recursive: true });
    const file = path.join(otherHome, '.config', 'temporalio', 'temporal.yaml');
    fs.writeFileSync(file, 'env:\n  default:\n    namespace: from-default-env\n    tls: true\n');
    const resolved = connectionSettings({}, { HOME: otherHome }, {});
    expect(resolved.namespace).toBe('from-default-env');
    expect(resolved.connectionOptions.tls).toBeTruthy();
  });

  test('an unknown environment lists the ones that exist; a bad file is named', () => {
    expect(() => settings(['--env-file', envFile, '--env', 'prod'])).toThrow(UsageError);
    expect(() => settings(['--env-file', envFile, '--env', 'prod'])).toThrow(
      `--env names the environment "prod", which is not in ${envFile} (environments there: staging, local)`,
    );
    expect(() => settings([], { TEMPORAL_ENV: 'prod' })).toThrow(/TEMPORAL_ENV names the environment "prod".*none/);
    const bad = write('bad.yaml', 'env: [1');
    expect(() => settings(['--env-file', bad])).toThrow(ReplayCheckError);
    expect(() => settings(['--env-file', bad])).toThrow(`Could not read the env file ${bad}`);
  });

  test('a certificate path from the env file is named as such when missing', () => {
    const gone = path.join(dir, 'gone-too.pem');
    const file = write('certs.yaml', `env:\n  mtls:\n    tls-cert-path: ${gone}\n    tls-key-path: ${key}\n`);
    expect(() => settings(['--env-file', file, '--env', 'mtls'])).toThrow(
      `(from tls-cert-path in environment "mtls" of ${file})`,
    );
  });
});

describe('connectClient against a real dev server', () => {
  let server: DevServer;
  useDevServer('replay-connect', (started) => (server = started));

  test('reaches it with --address and -n', async () => {
    const { client, connection } = await connectClient(settings(['--address', server.address, '-n', NAMESPACE]));
    try {
      expect(client.options.namespace).toBe(NAMESPACE);
      const info = await client.workflowService.describeNamespace({ namespace: NAMESPACE });
      expect(info.namespaceInfo?.name).toBe(NAMESPACE);
    } finally {
      await connection.close();
    }
  });

  test('a namespace that does not exist gets the clear error', async () => {
    const connecting = connectClient(settings(['--address', server.address, '-n', 'no_such_namespace']));
    await expect(connecting).rejects.toThrow(ReplayCheckError);
    await expect(connecting).rejects.toThrow(
      `The namespace "no_such_namespace" does not exist on ${server.address}. Pick another with --namespace/-n`,
    );
  });

  test('mTLS settings from flags work end to end (TLS front that requires a client certificate)', async () => {
    const certs = makeCertificates(tempDir('replay-connect-tls'));
    const front = await startMtlsFront(certs, Number(server.address.split(':').pop()));
    try {
      const args = ['--address', `localhost:${front.port}`, '-n', NAMESPACE, '--tls-ca-path', certs.caCert];
      const tlsArgs = [...args, '--tls-cert-path', certs.clientCert, '--tls-key-path', certs.clientKey];
      const { connection } = await connectClient(settings(tlsArgs));
      await connection.close();
      expect(front.clients).toContain('background-check-client');
    } finally {
      await front.close();
    }
  });

  test('no server: the address and what to do, within the connect timeout', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const connecting = connectClient(settings(['--address', address, '--client-connect-timeout', '1s']));
    await expect(connecting).rejects.toThrow(`Cannot reach a Temporal server at ${address}`);
    await expect(connecting).rejects.toThrow(/temporal server start-dev.*--address HOST:PORT, TEMPORAL_ADDRESS/);
  });
});

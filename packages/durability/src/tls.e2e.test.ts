// mTLS end to end: certificates made in the test (openssl), the real dev server behind a TLS
// listener that requires a client certificate, and the project's own connection settings:
// TEMPORAL_TLS_* variables for the client, a temporal.toml profile for `pnpm start:worker`.
// A background check runs over it; a client without a valid certificate is refused clearly.
import fs from 'node:fs';
import path from 'node:path';
import { NAMESPACE, UserError } from '@background-check/common';
import { connectClient, loadTemporalConfig, type Connected } from '@background-check/connection';
import { splitAddress, type DevServer } from '@background-check/servers';
import {
  killAllChildren,
  spawnTs,
  startDevServerIn,
  waitForExit,
  STACK_FRAME,
  startUntilBranch,
  terminateRunning,
  tempDir,
  makeCertificates,
  startMtlsFront,
  type CertFiles,
  type MtlsFront,
  expectExit,
  resultWithin,
} from '@background-check/test-support';

const MAIN = 'packages/worker/src/main.ts';

let server: DevServer;
let front: MtlsFront;
let certs: CertFiles;
let dir: string;
let connected: Connected | undefined;
// Keep any user-level temporal.toml out of these settings.
let base: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = tempDir('tls');
  certs = makeCertificates(dir);
  base = { HOME: dir, XDG_CONFIG_HOME: dir, TEMPORAL_NAMESPACE: NAMESPACE };
  server = await startDevServerIn(dir);
  front = await startMtlsFront(certs, splitAddress(server.address).port);
}, 90_000);

afterAll(async () => {
  await killAllChildren();
  await connected?.connection.close();
  await front?.close();
  await server?.stop();
});

test('a client (TEMPORAL_TLS_* variables) and a worker (temporal.toml profile) run a background check over mTLS', async () => {
  const address = `localhost:${front.port}`;
  const clientEnv = {
    ...base,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
  };
  const config = loadTemporalConfig(clientEnv);
  expect(config.connectionOptions.tls).toMatchObject({
    clientCertPair: expect.anything(),
    serverRootCACertificate: expect.anything(),
  });
  connected = await connectClient(config);

  const toml = path.join(dir, 'temporal.toml');
  fs.writeFileSync(
    toml,
    [
      '[profile.mtls]',
      `address = "${address}"`,
      `namespace = "${NAMESPACE}"`,
      '[profile.mtls.tls]',
      `client_cert_path = "${certs.clientCert}"`,
      `client_key_path = "${certs.clientKey}"`,
      `server_ca_cert_path = "${certs.caCert}"`,
      '',
    ].join('\n'),
  );
  const worker = spawnTs('pnpm start:worker', MAIN, [], {
    env: { HOME: dir, XDG_CONFIG_HOME: dir, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'mtls' },
    detached: true,
  });
  await worker.waitFor(new RegExp(`Worker started: .*server ${address}`), 60_000);

  const {
    wanted: [id],
    others,
  } = await startUntilBranch(connected.client, 'tls', 'activity', { batchSize: 4 });
  await terminateRunning(connected.client, others);
  expect(await resultWithin(connected.client, id!, 60_000)).toBe('pass');
  expect(worker.output()).toMatch(/SSN trace passed/);

  // Every connection that got through presented the client certificate made above.
  expect([...front.clients]).toEqual(['background-check-client']);
  worker.kill('SIGINT', true);
  await expectExit(worker, 0, 30_000);
}, 150_000);

test('without a client certificate, or with one from another CA, the connection is refused with a clear message', async () => {
  const address = `localhost:${front.port}`;
  const refusedBefore = front.refused;
  const noCert = loadTemporalConfig({
    ...base,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
  });
  const refusal = await connectClient(noCert, 3000).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(refusal).toBeInstanceOf(UserError);
  expect((refusal as Error).message).toMatch(new RegExp(`^Cannot reach a Temporal server at ${address} `));

  const strangerDir = path.join(dir, 'stranger');
  fs.mkdirSync(strangerDir);
  const stranger = makeCertificates(strangerDir, { caName: 'some-other-ca', clientName: 'stranger' });
  const wrongCa = loadTemporalConfig({
    ...base,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TLS_CLIENT_CERT_PATH: stranger.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: stranger.clientKey,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
  });
  await expect(connectClient(wrongCa, 3000)).rejects.toThrow(UserError);
  expect(front.refused).toBeGreaterThan(refusedBefore);
  expect(front.clients.has('stranger')).toBe(false);

  // The same through the starter: one message, exit 1, no stack trace.
  const starter = spawnTs(
    'pnpm start:workflow',
    'packages/starter/src/start-workflow.ts',
    ['--workflow-id', 'tls-refused'],
    {
      env: { ...base, TEMPORAL_ADDRESS: address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert },
    },
  );
  const exit = await waitForExit(starter, 40_000);
  expect(exit.code).toBe(1);
  expect(starter.stderr()).toMatch(new RegExp(`^Cannot reach a Temporal server at ${address} `));
  expect(starter.output()).not.toMatch(STACK_FRAME);
}, 90_000);

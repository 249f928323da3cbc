import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '@background-check/common';
import { loadTemporalConfig } from './config';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'envconfig-'));
// No user-level temporal.toml may leak into these tests.
const base = { HOME: tmp, XDG_CONFIG_HOME: tmp };

describe('connection settings (TEMPORAL_* variables and temporal.toml profiles)', () => {
  it("defaults to the chapter's local dev server and namespace", () => {
    const config = loadTemporalConfig(base);
    expect(config.address).toBe('localhost:7233');
    expect(config.namespace).toBe('backgroundcheck_namespace');
    expect(config.connectionOptions.tls).toBeUndefined();
  });

  it('takes address, namespace and API key from the environment (API key turns TLS on)', () => {
    const config = loadTemporalConfig({
      ...base,
      TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'my-ns.a1b2c',
      TEMPORAL_API_KEY: 'key-123',
    });
    expect(config.address).toBe('my-ns.a1b2c.tmprl.cloud:7233');
    expect(config.namespace).toBe('my-ns.a1b2c');
    expect(config.connectionOptions.apiKey).toBe('key-123');
    expect(config.connectionOptions.tls).toBe(true);
  });

  it('reads mTLS certificate and key paths from a temporal.toml profile', () => {
    const crt = path.join(tmp, 'client.pem');
    const key = path.join(tmp, 'client.key');
    fs.writeFileSync(crt, 'CERT');
    fs.writeFileSync(key, 'KEY');
    const toml = path.join(tmp, 'temporal.toml');
    fs.writeFileSync(
      toml,
      `[profile.cloud]\naddress = "ns.acct.tmprl.cloud:7233"\nnamespace = "ns.acct"\n[profile.cloud.tls]\nclient_cert_path = "${crt}"\nclient_key_path = "${key}"\n`,
    );
    const config = loadTemporalConfig({ ...base, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud' });
    expect(config.address).toBe('ns.acct.tmprl.cloud:7233');
    expect(config.namespace).toBe('ns.acct');
    const tls = config.connectionOptions.tls as { clientCertPair?: { crt: Uint8Array; key: Uint8Array } };
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toBe('CERT');
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toBe('KEY');
  });

  it('names the setting when a certificate path does not exist', () => {
    const load = () => loadTemporalConfig({ ...base, TEMPORAL_TLS_CLIENT_CERT_PATH: '/nowhere/client.pem' });
    expect(load).toThrow(UserError);
    expect(load).toThrow('TEMPORAL_TLS_CLIENT_CERT_PATH points at /nowhere/client.pem, which does not exist');
  });

  it('names the file when a temporal.toml certificate path does not exist', () => {
    const toml = path.join(tmp, 'missing-cert.toml');
    fs.writeFileSync(
      toml,
      '[profile.p]\naddress = "localhost:7233"\n[profile.p.tls]\nclient_cert_path = "/nowhere/c.pem"\nclient_key_path = "/nowhere/c.key"\n',
    );
    const load = () => loadTemporalConfig({ ...base, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'p' });
    expect(load).toThrow(UserError);
    expect(load).toThrow(/\/nowhere\/c\.(pem|key).*does not exist/);
  });

  it('counts an empty variable as unset', () => {
    expect(loadTemporalConfig({ ...base, TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '' })).toMatchObject({
      address: 'localhost:7233',
      namespace: 'backgroundcheck_namespace',
    });
  });
});

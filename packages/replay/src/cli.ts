// `temporal workflow replay` (the Temporal CLI runs the executable temporal-workflow-replay from PATH with the
// arguments), and `pnpm test:replay` in this repository: replays histories against the working tree's workflow code,
// explains what changed, and gives one verdict per workflow type.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { replayBundle } from './bundle';
import { checkHistories } from './check';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connectClient, connectionSettings } from './connect';
import { DEFAULTS } from './defaults';
import { parseOptions, runMain, shownPath as shown, userPath, wholeNumber as count, workflowTypesOf } from './command';
import { ReplayCheckError, UsageError } from './errors';
import { listHistoryFiles } from './load';
import { installReplayRuntime, type HistoryInput, type ReplayResult } from './replay';
import { formatJson, formatJunit, formatText, resultLines, summaryLines } from './report';
import { serverHistories } from './server';
import { verdicts } from './versioning';

const USAGE = `Usage: temporal workflow replay [FILE-OR-FOLDER ...] [options]     (in this repository: pnpm test:replay ...)
  Replays Event Histories against the current workflow code and says, in plain words, what changed.
Histories (default, without a server option: every *.json under histories/):
  FILE-OR-FOLDER          saved histories (*.json, folders searched recursively)
  --server                the executions on the server: every open one of the workflow types the code defines,
                          plus the latest closed ones (--limit, default 20)
  -q, --query QUERY       the executions a visibility query lists (--limit: at most that many)
  -w, --workflow-id ID    one execution (its latest run, or -r RUN-ID); with files alone: the id their replays see
  -r, --run-id ID
Code and version:
  --workflows PATH        the workflow code: a module file or a folder, as the SDK's workflowsPath
  --deployment-name NAME, --build-id ID
                          the Worker Deployment Version this change ships as: executions pinned to other versions
                          never run it (exempt)
Output and run:
  -o, --output FORMAT     text (default), json or junit (--format is the same)     --out FILE   write it there
  --jobs N                replay workers, each in a process of its own (default: the number of cores)
  --shard K/N             check only shard K of N (a stable split, for a CI matrix)
  --timeout S             bound on each history's replay (default 10)   -v, --verbose   Core's whole message
${CONNECTION_USAGE}
Exit code: 0 safe or safe-while-pinned, 1 unsafe (or a history that is not one, or a stuck execution still failing),
2 a usage mistake, 130 interrupted.`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  server: { type: 'boolean' },
  query: { type: 'string', short: 'q' },
  limit: { type: 'string' },
  'workflow-id': { type: 'string', short: 'w' },
  'run-id': { type: 'string', short: 'r' },
  workflows: { type: 'string' },
  'deployment-name': { type: 'string' },
  'build-id': { type: 'string' },
  output: { type: 'string', short: 'o' },
  format: { type: 'string' },
  out: { type: 'string' },
  jobs: { type: 'string' },
  shard: { type: 'string' },
  timeout: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Cobra's completion protocol, which `temporal __complete workflow replay ...` forwards: candidates, then a directive. */
function complete(words: string[]): void {
  const last = words.at(-1) ?? '';
  if (last.startsWith('-')) {
    const flags = Object.entries(OPTIONS).flatMap(([long, o]) => [
      `--${long}`,
      ...('short' in o ? [`-${o.short}`] : []),
    ]);
    for (const flag of flags.filter((f) => f.startsWith(last))) console.log(flag);
    console.log(':4'); // no file completion
  } else console.log(':0'); // the shell's own: files and folders
}

/** Shard of a history: a hash of its name, so adding one never moves the others. */
const shardOf = (source: string, n: number) => crypto.createHash('sha1').update(source).digest().readUInt32BE(0) % n;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '__complete' || argv[0] === '__completeNoDesc') return (complete(argv.slice(1)), 0);
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  if (args[0] === 'help') return (console.log(USAGE), 0); // `temporal help workflow replay`
  const { values, positionals } = parseOptions(args, OPTIONS);
  if (values.help) return (console.log(USAGE), 0);
  const format = values.output ?? values.format ?? 'text';
  if (!['text', 'json', 'junit'].includes(format))
    throw new UsageError(`--output takes text, json or junit, not "${format}".`);
  const [, k, n] = (values.shard && /^(\d+)\/(\d+)$/.exec(values.shard)) || [];
  if (values.shard && !(Number(k) >= 1 && Number(k) <= Number(n)))
    throw new UsageError(`--shard takes K/N with 1 <= K <= N (e.g. 2/4), not "${values.shard}".`);
  if (values['run-id'] && !values['workflow-id']) throw new UsageError('--run-id goes with --workflow-id.');
  if (values.query && values['workflow-id'] && positionals.length === 0)
    throw new UsageError('Give one of --workflow-id and --query: one execution, or the ones a query lists.');
  const fromServer = Boolean(values.server || values.query || (values['workflow-id'] && positionals.length === 0));
  if (values.limit && !values.server && !values.query) throw new UsageError('--limit goes with --server or --query.');
  const deploymentName = values['deployment-name'] ?? DEFAULTS.deploymentName;
  if (values['build-id'] && !deploymentName)
    throw new UsageError('--build-id needs --deployment-name: a Worker Deployment Version is both.');
  if (values['deployment-name'] && !values['build-id']) throw new UsageError('--deployment-name goes with --build-id.');
  const target = values['build-id'] ? { deploymentName: deploymentName!, buildId: values['build-id'] } : undefined;
  const timeoutMs = count(values.timeout, 'timeout', 10) * 1000;
  const jobs = count(values.jobs, 'jobs', os.availableParallelism());
  const workflowsPath = values.workflows ? userPath(values.workflows) : DEFAULTS.workflowsPath;
  if (!fs.existsSync(workflowsPath))
    throw new UsageError(`--workflows: ${workflowsPath} does not exist. Name your workflow module file or its folder.`);
  const workflowTypes = workflowTypesOf(workflowsPath);
  const inShard = (source: string) => !values.shard || shardOf(source, Number(n)) === Number(k) - 1;

  // Files first (checked before anything runs), then the server's executions, streamed as they download.
  const targets = positionals.length > 0 || fromServer ? positionals.map(userPath) : [DEFAULTS.historiesDir];
  const files = targets.flatMap((target) => {
    if (!fs.existsSync(target))
      throw new UsageError(`${target} does not exist. Name a history JSON file or a folder of them.`);
    const found = fs.statSync(target).isDirectory() ? listHistoryFiles(target) : [target];
    if (found.length === 0)
      throw new ReplayCheckError(
        `No *.json histories under ${target}. Save one with \`temporal workflow show --workflow-id ID --output json\`.`,
      );
    return found.filter((file) => inShard(shown(file)));
  });
  const settings = fromServer ? connectionSettings(values, process.env, DEFAULTS) : undefined;
  const dataConverter = DEFAULTS.dataConverter();
  const connected = settings && (await connectClient(settings, { dataConverter }));
  let fromServerCount = 0;
  async function* inputs(): AsyncGenerator<HistoryInput> {
    for (const file of files)
      yield {
        source: shown(file),
        workflowId: positionals.length ? values['workflow-id'] : undefined,
        loaded: { file },
      };
    if (!connected) return;
    const selection = {
      workflowId: positionals.length ? undefined : values['workflow-id'],
      runId: values['run-id'],
      query: values.query,
      limit: values.limit ? count(values.limit, 'limit', 20) : undefined,
      workflowTypes,
      accept: inShard,
    };
    for await (const input of serverHistories(connected.client, selection)) {
      fromServerCount++;
      yield input;
    }
  }

  const started = Date.now();
  // The bundle's rebuild note goes to stderr: stdout may be the JSON or JUnit report.
  const workflowBundle = await replayBundle(workflowsPath, (line) => console.error(line));
  if (jobs === 1) installReplayRuntime('WARN', (entry) => `${entry.level}: ${entry.message}`);
  // Text on a terminal: each history's lines as soon as they are in, in order.
  const live = format === 'text' && !values.out;
  const onResult = live ? (r: ReplayResult) => console.log(resultLines(r, values.verbose).join('\n')) : undefined;
  let results: ReplayResult[];
  try {
    const { codecHint } = DEFAULTS;
    const options = { workflowBundle, workflowTypes, timeoutMs, dataConverter, codecHint, jobs, target, onResult };
    results = await checkHistories(inputs(), options);
  } finally {
    await connected?.connection.close();
  }
  if (results.length === 0 && !values.shard) {
    const what = values.query
      ? `No execution matches ${JSON.stringify(values.query)}`
      : `No execution of ${workflowTypes.join(', ')}`;
    throw new ReplayCheckError(
      `${what} in namespace "${settings?.namespace}": nothing was checked. Check the namespace and the query.`,
    );
  }
  const options = { verbose: values.verbose, elapsedMs: Date.now() - started };
  if (live) console.log(['', ...summaryLines(results, options)].join('\n'));
  else {
    const report = { text: formatText, json: formatJson, junit: formatJunit }[format as 'text'](results, options);
    if (values.out) {
      fs.writeFileSync(userPath(values.out), report);
      console.log(formatText(results, options));
      console.log(`Report (${format}) written to ${values.out}.`);
    } else console.log(report);
  }
  if (values.shard)
    console.error(`Shard ${values.shard}: ${results.length} histories (${fromServerCount} from the server).`);
  const unsafe = Object.values(verdicts(results)).includes('unsafe');
  return unsafe || results.some((r) => ['fail', 'invalid', 'still-failing'].includes(r.status)) ? 1 : 0;
}

runMain(() => main(process.argv.slice(2)), USAGE);

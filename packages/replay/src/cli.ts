// `pnpm test:replay`: replays histories (default: every file under histories/) against the working
// tree's workflow code, with one replay worker and one bundle, and explains what changed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dataConverterFromEnv } from '@background-check/codec';
import { UserError, intOption, parseCommandArgs, repoRoot, runCommand, userPath } from '@background-check/common';
import { connectClient, installRuntime } from '@background-check/connection';
import * as workflows from '@background-check/workflows';
import { listHistoryFiles, loadHistoryFile } from './load';
import { replayBundle, replayHistories, type HistoryInput } from './replay';
import { formatJson, formatJunit, formatText } from './report';
import { serverHistories } from './server';
import { applyVersioning, verdicts } from './versioning';

const USAGE = `Usage: pnpm test:replay [FILE-OR-FOLDER ...] [--server [--query QUERY] [--limit N]] [--build-id ID]
                        [--shard K/N] [--format text|json|junit] [--out FILE] [--timeout SECONDS] [--verbose]
  Replays each history against the current workflow code (default: every *.json under histories/).
  --server        also replay executions on the configured server (TEMPORAL_* / temporal.toml): every open
                  execution of the workflow types the code defines, plus the latest closed ones
  --query QUERY   a visibility query instead of that default     --limit N   closed executions to take (default 20)
  --build-id ID   the build this change ships as: executions PINNED to other builds never run it (exempt)
  --shard K/N     replay only shard K of N (a stable split of the histories, for a CI matrix)
  --format F      text (default), json or junit                  --out FILE  write the report there
  --timeout S     bound on each history's replay (default 10)    --verbose   Core's whole message`;

/** Shard of a history: a hash of its name, so adding a file never moves the others. */
const shardOf = (source: string, n: number) => crypto.createHash('sha1').update(source).digest().readUInt32BE(0) % n;

runCommand(async () => {
  const { values, positionals } = parseCommandArgs(
    process.argv.slice(2),
    {
      server: { type: 'boolean' },
      query: { type: 'string' },
      limit: { type: 'string' },
      'build-id': { type: 'string' },
      shard: { type: 'string' },
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
      timeout: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
    },
    USAGE,
    true,
  );
  const { format, shard: shardText } = values;
  if (!['text', 'json', 'junit'].includes(format))
    throw new UserError(`--format takes text, json or junit, not "${format}".`, 2);
  const [, k, n] = (shardText && /^(\d+)\/(\d+)$/.exec(shardText)) || [];
  if (shardText && !(Number(k) >= 1 && Number(k) <= Number(n)))
    throw new UserError(`--shard takes K/N with 1 <= K <= N (e.g. 2/4), not "${shardText}".`, 2);
  if ((values.query || values.limit) && !values.server) throw new UserError('--query and --limit go with --server.', 2);
  const timeoutMs = intOption(values.timeout, 'timeout', 10) * 1000;
  const limit = intOption(values.limit, 'limit', 20);
  const root = repoRoot();
  const workflowTypes = Object.keys(workflows);
  const inputs: HistoryInput[] = [];
  const targets = positionals.length > 0 || values.server ? positionals.map(userPath) : [path.join(root, 'histories')];
  for (const target of targets) {
    if (!fs.existsSync(target))
      throw new UserError(`${target} does not exist. Name a history JSON file or a folder of them.`, 2);
    const files = fs.statSync(target).isDirectory() ? listHistoryFiles(target) : [target];
    if (files.length === 0)
      throw new UserError(
        `No *.json histories under ${target}. Save one with \`pnpm temporal workflow show --output json\`.`,
      );
    for (const file of files) inputs.push({ source: path.relative(root, file) || file, loaded: loadHistoryFile(file) });
  }
  if (values.server) {
    const { client, connection } = await connectClient();
    const found = serverHistories(client, { query: values.query, limit, workflowTypes });
    inputs.push(...(await found.finally(() => connection.close())));
  }
  const mine = shardText ? inputs.filter((i) => shardOf(i.source, Number(n)) === Number(k) - 1) : inputs;
  const started = Date.now();
  installRuntime('WARN', 'ERROR'); // Core's own warning for each failed replay repeats what the report says better
  const workflowBundle = await replayBundle(console.error); // stderr: stdout may be the JSON or JUnit report
  const dataConverter = dataConverterFromEnv();
  const results = await replayHistories(mine, { workflowBundle, workflowTypes, timeoutMs, dataConverter });
  applyVersioning(results, values['build-id']);
  const options = { verbose: values.verbose, elapsedMs: Date.now() - started };
  const report = { text: formatText, json: formatJson, junit: formatJunit }[format as 'text'](results, options);
  if (values.out) {
    fs.writeFileSync(userPath(values.out), report);
    console.log(formatText(results, options));
    console.log(`Report (${format}) written to ${values.out}.`);
  } else console.log(report);
  if (shardText) console.error(`Shard ${shardText}: ${mine.length} of ${inputs.length} histories.`);
  const unsafe = Object.values(verdicts(results)).includes('unsafe');
  return unsafe || results.some((r) => r.status === 'invalid' || r.status === 'inconclusive') ? 1 : 0;
}, USAGE);

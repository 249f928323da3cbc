import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { UserError } from '@background-check/common';

/** The *.json files in a folder (the argument of a peer script), sorted. */
export function historyFiles(argv: string[]): string[] {
  const dir = argv.at(-1);
  if (argv.length !== 1 || !dir || !fs.existsSync(dir)) throw new UserError('Usage: ts-node <peer>.ts FOLDER', 2);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** One history file, as the SDK wants it (read when it is needed, so memory holds one at a time). */
export const readHistory = (file: string): History => historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));

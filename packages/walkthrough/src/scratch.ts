import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A scratch copy of the repository for the walkthrough to change freely: the working tree's files
 * (tracked and new, not ignored, so uncommitted edits are checked too), with the installed
 * dependencies borrowed from the original instead of installed again:
 *
 * - node_modules/.pnpm (the package store) is a symlink to the original's;
 * - every other node_modules entry is copied as the symlinks it is made of, so the workspace links
 *   (packages/x/node_modules/@background-check/y -> ../../../y) point into the copy, and
 *   pnpm's record of the install names the copy's folders (or `pnpm <script>` would reinstall);
 * - .tools (the Temporal binaries) is a symlink; the workflow bundle in packages/worker/dist is copied.
 */
export interface Scratch {
  root: string;
  remove(): void;
}

function listFiles(source: string): string[] {
  let out: Buffer;
  try {
    out = execFileSync('git', ['-C', source, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`Cannot list the repository's files with git in ${source}: ${(err as Error).message}. The walkthrough check copies a git work tree.`);
  }
  // Deleted-but-tracked files are listed too; only what exists is copied.
  return out.toString('utf8').split('\0').filter((f) => f && fs.existsSync(path.join(source, f)));
}

/** Copies a tree as it is: directories, files (with mode and times), symlinks verbatim. */
function copyTree(from: string, to: string): void {
  const stat = fs.lstatSync(from);
  if (stat.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(from), to);
  } else if (stat.isDirectory()) {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from)) copyTree(path.join(from, entry), path.join(to, entry));
  } else {
    fs.copyFileSync(from, to);
    fs.chmodSync(to, stat.mode);
    fs.utimesSync(to, stat.atime, stat.mtime);
  }
}

function copyNodeModules(source: string, root: string, dir: string): void {
  const from = path.join(source, dir);
  if (!fs.existsSync(from)) return;
  const to = path.join(root, dir);
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from)) {
    const src = path.join(from, entry);
    const dst = path.join(to, entry);
    if (entry === '.pnpm') fs.symlinkSync(fs.realpathSync(src), dst);
    else if (entry === '.tmp') continue;
    else if (entry === '.pnpm-workspace-state-v1.json') {
      // pnpm compares this record of the install with the workspace's folders before running a script.
      const state = fs.readFileSync(src, 'utf8').split(JSON.stringify(source).slice(0, -1)).join(JSON.stringify(root).slice(0, -1));
      fs.writeFileSync(dst, state);
    } else copyTree(src, dst);
  }
}

/** Scratch copies not removed yet, for an interrupted check. */
const existing = new Set<string>();

export function removeAllScratch(): void {
  for (const root of existing) fs.rmSync(root, { recursive: true, force: true });
  existing.clear();
}

export function createScratch(source: string, { prefix = 'background-check-walkthrough-' } = {}): Scratch {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  existing.add(root);
  const remove = () => {
    fs.rmSync(root, { recursive: true, force: true });
    existing.delete(root);
  };
  try {
    for (const file of listFiles(source)) {
      const to = path.join(root, file);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      copyTree(path.join(source, file), to);
    }
    copyNodeModules(source, root, 'node_modules');
    for (const pkg of fs.readdirSync(path.join(source, 'packages'))) {
      if (fs.existsSync(path.join(root, 'packages', pkg))) copyNodeModules(source, root, path.join('packages', pkg, 'node_modules'));
    }
    if (fs.existsSync(path.join(source, '.tools'))) fs.symlinkSync(fs.realpathSync(path.join(source, '.tools')), path.join(root, '.tools'));
    const dist = path.join(source, 'packages', 'worker', 'dist');
    if (fs.existsSync(dist)) copyTree(dist, path.join(root, 'packages', 'worker', 'dist'));
  } catch (err) {
    remove();
    throw err;
  }
  return { root, remove };
}

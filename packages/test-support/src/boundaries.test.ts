// The line between runtime and test code: no runtime package depends on the SDK's testing package
// (it downloads servers) or on these helpers; only the test-only packages and devDependencies may.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@background-check/common';

const TEST_ONLY_PACKAGES = ['test-support', 'durability', 'webui-test'];
const TEST_ONLY_DEPENDENCIES = ['@temporalio/testing', '@background-check/test-support'];

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const packagesDir = path.join(repoRoot(), 'packages');
const packages = fs
  .readdirSync(packagesDir)
  .filter((dir) => fs.existsSync(path.join(packagesDir, dir, 'package.json')))
  .map((dir) => ({
    dir,
    json: JSON.parse(fs.readFileSync(path.join(packagesDir, dir, 'package.json'), 'utf8')) as PackageJson,
  }));

describe('test code stays out of the runtime packages', () => {
  it('finds the packages', () => {
    expect(packages.map((p) => p.dir)).toEqual(expect.arrayContaining(['common', 'worker', 'starter', 'test-support']));
  });

  it.each(packages.filter((p) => !TEST_ONLY_PACKAGES.includes(p.dir)).map((p) => [p.json.name, p.json]))(
    '%s has no test-only runtime dependency',
    (_name, json) => {
      const runtime = Object.keys((json as PackageJson).dependencies ?? {});
      expect(runtime.filter((dep) => TEST_ONLY_DEPENDENCIES.includes(dep))).toEqual([]);
    },
  );

  it('is a devDependency wherever tests use the helpers', () => {
    for (const { dir, json } of packages) {
      if (dir === 'test-support') continue;
      const usesHelpers = ['src', 'test']
        .map((sub) => path.join(packagesDir, dir, sub))
        .filter((sub) => fs.existsSync(sub))
        .flatMap((sub) => fs.readdirSync(sub, { recursive: true, encoding: 'utf8' }).map((f) => path.join(sub, f)))
        .filter((f) => f.endsWith('.test.ts'))
        .some((f) => fs.readFileSync(f, 'utf8').includes("from '@background-check/test-support'"));
      if (usesHelpers)
        expect({ dir, dev: json.devDependencies?.['@background-check/test-support'] }).toEqual({
          dir,
          dev: 'workspace:*',
        });
    }
  });
});

// The replay check is one package a team can lift out: its sources import Node, the Temporal SDK and a few npm
// packages, and only defaults.ts names a package of the Background Check sample.
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '..', 'src');
const sources = fs.readdirSync(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
const importsOf = (file: string) =>
  [
    ...fs.readFileSync(path.join(SRC, file), 'utf8').matchAll(/(?:from|import\(|require(?:\.resolve)?\()\s*'([^']+)'/g),
  ].map((m) => m[1]!);
const packageJson = JSON.parse(fs.readFileSync(path.resolve(SRC, '..', 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

test('only defaults.ts imports a package of the sample', () => {
  const sampleImports = sources.flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec.startsWith('@background-check/'))
      .map((spec) => `${file}: ${spec}`),
  );
  expect(sampleImports.length).toBeGreaterThan(0);
  expect(sampleImports.filter((line) => !line.startsWith('defaults.ts:'))).toEqual([]);
});

test('every other import is Node, a relative module, or a declared dependency', () => {
  const declared = Object.keys(packageJson.dependencies);
  const undeclared = sources.flatMap((file) =>
    importsOf(file)
      .filter((spec) => !spec.startsWith('.') && !spec.startsWith('node:'))
      .map((spec) =>
        spec
          .split('/')
          .slice(0, spec.startsWith('@') ? 2 : 1)
          .join('/'),
      )
      .filter((name) => !declared.includes(name))
      .map((name) => `${file}: ${name}`),
  );
  expect(undeclared).toEqual([]);
});

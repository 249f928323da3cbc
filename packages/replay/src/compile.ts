import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SRC = __dirname;
const OUT = path.resolve(__dirname, '..', 'dist', 'js');

/**
 * The package's sources as plain JavaScript (dist/js/), transpiled again whenever a source changed: child processes
 * load them with node alone, in a fraction of a second, where ts-node would compile on every start. Returns the path
 * of `name`'s compiled module. Running from compiled code already, it is that module's own path.
 */
export async function compiledModule(name: string): Promise<string> {
  if (__filename.endsWith('.js')) return path.join(__dirname, `${name}.js`);
  const sources = fs
    .readdirSync(SRC)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
  const texts = sources.map((f) => fs.readFileSync(path.join(SRC, f), 'utf8'));
  const stampFile = path.join(OUT, 'stamp');
  const stamp = crypto
    .createHash('sha256')
    .update(JSON.stringify([sources, texts]))
    .digest('hex');
  if (!fs.existsSync(stampFile) || fs.readFileSync(stampFile, 'utf8') !== stamp) {
    const ts = await import('typescript');
    fs.mkdirSync(OUT, { recursive: true });
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    sources.forEach((file, i) => {
      const { outputText } = ts.transpileModule(texts[i]!, { compilerOptions, fileName: file });
      const out = path.join(OUT, file.replace(/\.ts$/, '.js'));
      // Write, then rename: another check may be loading the file right now.
      fs.writeFileSync(`${out}.${process.pid}`, outputText);
      fs.renameSync(`${out}.${process.pid}`, out);
    });
    fs.writeFileSync(`${stampFile}.${process.pid}`, stamp);
    fs.renameSync(`${stampFile}.${process.pid}`, stampFile);
  }
  return path.join(OUT, `${name}.js`);
}

/**
 * `initExercise`: a minimal, valid exercise package to start authoring from — one TypeScript
 * service, one chaos mode, one hint ladder, a rubric with one automatic and one manual item, a
 * hidden check, an interviewer guide, a reference solution and the package's own tests. It is a
 * copy of `template/inventory-api/`, a real exercise package that Faultline's own checks validate,
 * type-check and lint; docs/authoring.md walks through it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FaultlineError } from '../errors';
import type { Install } from '../install';

export interface InitOptions {
  /** The exercise folder to create (empty or not existing). Its name is the exercise id. */
  dir: string;
  /** Must equal the folder name when given (manifests require it). */
  id?: string;
  title?: string;
  /** Faultline's installation: the generated tsconfig maps `faultline/checks` to its check API. */
  install: Pick<Install, 'root'>;
}

export interface InitResult {
  dir: string;
  /** Files written, relative to `dir`, with `/` separators, sorted. */
  files: string[];
}

const ID = /^[a-z][a-z0-9_-]*$/;

/** The template package, and the id and title it is written with (replaced by the new ones). */
export const TEMPLATE_DIR = path.join('extension', 'engine', 'authoring', 'template', 'inventory-api');
const TEMPLATE_ID = 'inventory-api';
const TEMPLATE_TITLE = 'Inventory API';

function isEmptyDir(dir: string): boolean {
  return fs.statSync(dir).isDirectory() && fs.readdirSync(dir).length === 0;
}

/** `a/b` → `./a/b`: tsconfig `paths` need an explicit relative prefix. */
function relativeTo(from: string, to: string): string {
  const rel = path.relative(from, to);
  if (path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  const posix = rel.split(path.sep).join('/');
  return posix.startsWith('../') ? posix : `./${posix}`;
}

/** Version ranges as Faultline's own package.json has them (so the runtime pack matches). */
function versions(root: string, names: readonly string[]): Record<string, string> {
  let pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } = {};
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as typeof pkg;
  } catch {
    // a broken installation still gets a skeleton; `faultline new` will say what is missing
  }
  return Object.fromEntries(names.map((n) => [n, pkg.dependencies?.[n] ?? pkg.devDependencies?.[n] ?? '*']));
}

/** Every file of a folder, relative, with `/` separators. */
function listFiles(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const child = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(dir, child) : e.isFile() ? [child] : [];
  });
}

/**
 * One template file for the new package: the template's id and title replaced, relative paths that
 * lead out of the template into Faultline (the JSON Schema, the check and test APIs, tsconfig bases,
 * type roots) pointed at the same place from the new folder, and the starter's dependency ranges
 * taken from Faultline's package.json (so `faultline new` can copy them offline).
 */
function render(x: { rel: string; text: string; template: string; dir: string; root: string; id: string; title: string }): string {
  let text = x.text.split(TEMPLATE_ID).join(x.id).split(TEMPLATE_TITLE).join(x.title);
  if (/\.json$/.test(x.rel)) {
    const from = path.dirname(path.join(x.template, x.rel));
    const to = path.dirname(path.join(x.dir, x.rel));
    text = text.replace(/"(\.\.\/[^"]*)"/g, (whole, rel: string) => {
      const target = path.resolve(from, rel);
      const outside = !target.startsWith(x.template + path.sep) && target.startsWith(x.root + path.sep);
      return outside ? JSON.stringify(relativeTo(to, target)) : whole;
    });
  }
  if (x.rel === 'starter/package.json') {
    const pkg = JSON.parse(text) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    pkg.dependencies = versions(x.root, Object.keys(pkg.dependencies ?? {}));
    pkg.devDependencies = versions(x.root, Object.keys(pkg.devDependencies ?? {}));
    text = JSON.stringify(pkg, null, 2) + '\n';
  }
  return text;
}

function titleOf(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export async function initExercise(opts: InitOptions): Promise<InitResult> {
  const dir = path.resolve(opts.dir);
  const folder = path.basename(dir);
  const id = opts.id ?? folder;
  if (!ID.test(id) || id.length > 64) {
    throw new FaultlineError(
      'usage',
      `"${id}" is not a valid exercise id`,
      'use lower-case letters, digits, "-" or "_", starting with a letter (the folder name is the id)',
    );
  }
  if (id !== folder) {
    throw new FaultlineError(
      'usage',
      `the exercise id "${id}" must equal its folder name "${folder}"`,
      `create it in ${path.join(path.dirname(dir), id)}, or leave out the id`,
    );
  }
  const existed = fs.existsSync(dir);
  if (existed && !isEmptyDir(dir)) {
    throw new FaultlineError(
      'directory-occupied',
      `${dir} already exists and is not empty`,
      'choose a new folder, or empty this one first',
    );
  }
  const title = opts.title ?? titleOf(id);
  const root = path.resolve(opts.install.root);
  const template = path.join(root, TEMPLATE_DIR);
  if (!fs.existsSync(path.join(template, 'exercise.json')))
    throw new FaultlineError('io', `the exercise template is missing: ${template}`, 'reinstall Faultline');
  const files = listFiles(template).sort();
  try {
    for (const rel of files) {
      const text = render({ rel, text: fs.readFileSync(path.join(template, rel), 'utf8'), template, dir, root, id, title });
      const file = path.join(dir, ...rel.split('/'));
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(file, text);
    }
  } catch (err) {
    // Leave nothing half-made behind (an empty folder we were given stays).
    if (existed) for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    else fs.rmSync(dir, { recursive: true, force: true });
    throw new FaultlineError('io', `cannot write the exercise skeleton in ${dir}: ${(err as Error).message}`);
  }
  return { dir, files };
}

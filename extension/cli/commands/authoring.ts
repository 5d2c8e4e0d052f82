/** Exercise authoring: `validate`, `init-exercise`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Install } from '../../engine/install';
import { formatProblem, validateManifestFile } from '../../engine/manifest/validate';
import { initExercise } from '../../engine/authoring/init';
import { paint } from '../ui';
import { type Io, args, need } from '../common';

export async function cmdInitExercise(install: Install, argv: string[], io: Io): Promise<number> {
  const usage = 'faultline init-exercise <dir> [--id ID] [--title TITLE]';
  const { values, positionals } = args(argv, { id: { type: 'string' }, title: { type: 'string' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const dir = path.resolve(need(positionals[0], 'folder for the new exercise', usage));
  const created = await initExercise({
    dir,
    install,
    ...(values.id ? { id: values.id } : {}),
    ...(values.title ? { title: values.title } : {}),
  });
  io.out(`${paint.green(io.s, 'created')} exercise ${path.basename(created.dir)} (${created.files.length} files) at ${created.dir}`);
  io.out(`next: FAULTLINE_EXERCISES=${path.dirname(created.dir)} faultline validate ${created.dir}`);
  return 0;
}

export function cmdValidate(install: Install, argv: string[], io: Io): number {
  const usage = 'faultline validate [<exercise dir>...]';
  const { values, positionals } = args(argv, {}, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const dirs =
    positionals.length > 0
      ? positionals.map((p) => path.resolve(p))
      : [install.workspacesDir, ...install.extraExerciseDirs].flatMap((root) =>
          fs
            .readdirSync(root, { withFileTypes: true })
            .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, e.name, 'exercise.json')))
            .map((e) => path.join(root, e.name)),
        );
  let errors = 0;
  for (const dir of dirs) {
    const file = dir.endsWith('.json') ? dir : path.join(dir, 'exercise.json');
    const result = validateManifestFile(file);
    for (const p of result.problems) {
      if (p.severity === 'error') errors++;
      const line = formatProblem({ ...p, file: path.relative(process.cwd(), p.file) || p.file });
      io.out(p.severity === 'error' ? paint.red(io.s, line) : paint.yellow(io.s, line));
    }
    if (result.problems.length === 0) io.out(`${paint.green(io.s, 'ok')} ${path.relative(process.cwd(), file) || file}`);
  }
  return errors > 0 ? 1 : 0;
}

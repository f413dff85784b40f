// Mock of `autogenerate_revision`: a revision that adds the column a hand-made change would
// have added. A message containing "rename" shows the TODO/warning case instead.
import type { AutogenerateResult, Dialect } from '../types';

export function mockAutogenerate(
  message: string,
  opts: { dialect: Dialect; head: string[]; projectPath: string; id: string },
): AutogenerateResult {
  const slug = message.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  const path = `${opts.projectPath}/versions/${opts.id}_${slug}.sql`;
  const base = { revision: opts.id, down_revisions: opts.head, path, dialect: opts.dialect };
  if (/rename/i.test(message)) {
    const warning =
      'column users.display_name was removed and users.full_name added with the same type: a rename? Not guessed';
    const todo = (a: string, b: string) =>
      [
        `-- TODO(autogenerate): ${warning}`,
        '--   If it is a rename, write:',
        `--   ALTER TABLE users RENAME COLUMN ${a} TO ${b};`,
        '-- If not, uncomment:',
        `-- ALTER TABLE users ADD COLUMN ${b} VARCHAR(100);`,
        `-- ALTER TABLE users DROP COLUMN ${a};`,
      ].join('\n') + '\n';
    return { ...base, up_sql: todo('display_name', 'full_name'), down_sql: todo('full_name', 'display_name'), warnings: [warning] };
  }
  const column = opts.dialect === 'mysql' ? 'nickname VARCHAR(40) NULL' : 'nickname VARCHAR(40)';
  return {
    ...base,
    up_sql: `ALTER TABLE users ADD COLUMN ${column};\nCREATE INDEX ix_tasks_title ON tasks (title);\n`,
    down_sql:
      (opts.dialect === 'mysql' ? 'DROP INDEX ix_tasks_title ON tasks;\n' : 'DROP INDEX ix_tasks_title;\n') +
      'ALTER TABLE users DROP COLUMN nickname;\n',
    warnings: [],
  };
}

// Mock only: the doctor's findings for the mock databases, close to what retort-core's checks
// say, so ?mock shows the Troubleshoot view. ?mock=noversion gives the project database tables
// but no version table (upgrade head then fails with "table users already exists"); ?mock=heads
// has two heads; the PostgreSQL connection (saved-1) lacks privileges.
import type { Dialect, Finding, FixOutcome } from '../types';
import { fail } from './plan';

export interface DoctorDb {
  connectionId: string;
  dialect: Dialect;
  rows: string[];
  tableExists: boolean;
  /** The revision the schema matches when the version table is missing. */
  schemaAt: string | null;
  user: string | null;
  database: string | null;
}

export interface DoctorProject {
  heads: string[];
  versionTable: string;
}

export function mockFindings(db: DoctorDb, project: DoctorProject): Finding[] {
  const findings: Finding[] = [];
  const vt = project.versionTable;
  if (project.heads.length > 1) {
    findings.push({
      check: 'multiple_heads',
      severity: 'warning',
      title: `The scripts have ${project.heads.length} heads`,
      explanation:
        '`upgrade head` needs a single head, so it fails with "Multiple head revisions are present". Upgrade `heads` (every branch) or `label@head` (one branch), or join the branches with a merge revision.',
      details: project.heads.map((h) => `head: ${h}`),
      fixes: [
        {
          id: 'merge',
          title: 'Create a merge revision',
          explanation: 'Writes a new revision whose parents are the current heads (no SQL); the next upgrade runs both branches.',
          sql_preview: ['retort merge -m "merge heads" heads'],
          destructive: false,
        },
      ],
    });
  }
  if (!db.tableExists && db.schemaAt) {
    findings.push({
      check: 'version_table',
      severity: 'problem',
      title: `Tables but no ${vt} table: the schema matches ${db.schemaAt}`,
      explanation: `The database has the project's tables but no ${vt} table, so Retort (and Alembic) think nothing is applied and \`upgrade head\` would create the tables again. The migrations were replayed into a scratch database: the live schema matches revision ${db.schemaAt}. Stamping records that revision without running any migration.`,
      details: ['tables: projects, tasks, users', `replayed 7 revisions into a scratch ${db.dialect} database`, `matching revision: ${db.schemaAt}`],
      fixes: [
        {
          id: `stamp:${db.schemaAt}`,
          title: `Stamp ${db.schemaAt}`,
          explanation: 'Creates the version table and records the revision; runs no migration.',
          sql_preview: [
            `CREATE TABLE ${vt} (version_num VARCHAR(32) NOT NULL, CONSTRAINT ${vt}_pkc PRIMARY KEY (version_num))  -- unless it exists`,
            `INSERT INTO ${vt} (version_num) VALUES ('${db.schemaAt}')`,
          ],
          destructive: false,
        },
      ],
    });
  } else if (!db.tableExists) {
    findings.push({
      check: 'version_table',
      severity: 'info',
      title: 'An empty database',
      explanation: `No tables and no ${vt} table yet: \`upgrade head\` creates both.`,
      details: [],
      fixes: [
        {
          id: 'upgrade-head',
          title: 'Upgrade to head',
          explanation: 'Runs every migration.',
          sql_preview: ['retort upgrade head'],
          destructive: false,
        },
      ],
    });
  }
  if (db.dialect === 'sqlite') {
    findings.push({
      check: 'sqlite_lock',
      severity: 'ok',
      title: 'Not locked',
      explanation: 'No other connection holds the write lock right now.',
      details: ['journal mode: delete', 'no -wal or -shm file', 'processes with the file open: none seen', 'busy timeout: 5 s'],
      fixes: [
        {
          id: 'wal',
          title: 'Switch to WAL mode',
          explanation: 'Readers no longer block the writer and the writer no longer blocks readers. The setting stays with the database file; it adds -wal and -shm files next to it.',
          sql_preview: ['PRAGMA journal_mode=WAL'],
          destructive: false,
        },
      ],
    });
  }
  if (db.dialect === 'postgresql') {
    const user = db.user ?? 'deploy';
    const database = db.database ?? 'nexus';
    findings.push({
      check: 'postgres_privileges',
      severity: 'problem',
      title: `${user} lacks privileges the pending migrations need`,
      explanation:
        'PostgreSQL 15 removed CREATE on the public schema from ordinary users, and the pending revisions create tables there. An administrator must run these statements; Retort cannot grant privileges to itself.',
      details: [`role: ${user}`, `database ${database}: CONNECT yes, CREATE no`, 'schema public: USAGE yes, CREATE no'],
      fixes: [
        {
          id: 'grants',
          title: 'Statements for an administrator',
          explanation: 'Run these as a superuser or the schema owner, then run the checks again.',
          sql_preview: [`GRANT CREATE ON DATABASE "${database}" TO "${user}";`, `GRANT USAGE, CREATE ON SCHEMA "public" TO "${user}";`],
          destructive: false,
        },
      ],
    });
  }
  const rank = { problem: 0, warning: 1, info: 2, ok: 3 } as const;
  return findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

/** What a fix "does" on the mock database; `merge` is the caller's (it changes the project). */
export function mockApplyFix(db: DoctorDb, fixId: string, findings: Finding[]): FixOutcome {
  const fix = findings.flatMap((f) => f.fixes).find((x) => x.id === fixId);
  if (!fix) {
    throw fail('command', `Unknown fix '${fixId}'; run the checks again to see the fixes offered for this database`);
  }
  if (fixId === 'grants') {
    throw fail(
      'command',
      'These statements need an administrator: copy them and have a superuser or the schema owner run them, then run the checks again.',
      fix.sql_preview.join('\n'),
    );
  }
  if (fixId.startsWith('stamp:')) {
    const rev = fixId.slice('stamp:'.length);
    db.rows = [rev];
    db.tableExists = true;
    db.schemaAt = null;
    return { fix: fixId, ran: [`retort stamp ${rev}`], message: `0 step(s); the version table now names: ${rev}` };
  }
  return { fix: fixId, ran: fix.sql_preview, message: `${fix.title}: done.` };
}

// Mock backend: answers the IPC contract from the demo project's real scripts (migrations/
// versions/*.sql, bundled at build time) and an in-memory database. Used only where no Tauri
// runtime is present (a plain browser with ?mock, or `vite dev`): for screenshots and for working
// on the UI without building the app. Options in the query string:
//   ?mock          the demo project          ?mock=big[&n=5000]  a generated large project
//   ?mock=fail     the last demo revision fails on upgrade        ?mock=heads  a second head
//   ?mock=empty    first run: no connection selected              &delay=ms    pace of a run
//   ?mock=noversion  the project database has tables but no version table (doctor: stamp)
//   ?mock=drift    the project database drifted; the round trip finds a downgrade that keeps an index
//   &nokeychain    no OS keychain                               &tables=N    N generated tables
//   &connection=id the connection selected at start (saved-1: PostgreSQL)
import type {
  ActionRequest,
  ActivityEntry,
  ActivityOutcome,
  ApiError,
  AppInfo,
  BackupInfo,
  ConnectionInput,
  ConnectionTest,
  ConnectionView,
  DbState,
  Dialect,
  FixOutcome,
  Preview,
  PreviewStep,
  RunEvent,
  ProjectView,
  RecentProject,
  RevisionDetail,
  RoundTripProgress,
  RunOutcome,
  Schema,
  SchemaDiff,
} from '../types';
import type { Transport } from '../transport';
import { bigProject, bigStatements } from './big';
import { buildLayout, buildRevisions, type RevisionDef } from './graph';
import { fail, MockGraph, plan } from './plan';
import { mockDiff, mockRows, mockSchema } from './schema';
import { destructiveReason, parseScript, sectionSql, statements, type MockScript } from './scripts';
import { mockApplyFix, mockFindings, type DoctorDb } from './doctor';
import { mockAutogenerate } from './autogen';
import { MockBackups } from './backups';
import { mockDrift, mockRoundTrip } from './safety';

const DEMO_FILES = import.meta.glob('../../../../migrations/versions/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const DEMO_PATH = '/home/dev/retort/migrations';

interface MockDb {
  rows: string[];
  tableExists: boolean;
}

interface MockChannel {
  __mockChannel: (message: unknown) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const DIALECT_NAME: Record<Dialect, string> = {
  sqlite: 'SQLite',
  postgresql: 'PostgreSQL',
  mysql: 'MySQL/MariaDB',
};

export function createMockTransport(params: URLSearchParams): Transport {
  const mode = params.get('mock') ?? '';
  const delay = Number(params.get('delay') ?? 220);
  const keychain = !params.has('nokeychain');

  // The project.
  let scripts = new Map<string, MockScript>();
  let defs: RevisionDef[];
  let projectPath = DEMO_PATH;
  let projectName = 'migrations';
  if (mode === 'big') {
    defs = bigProject(Number(params.get('n') ?? 5000));
    projectPath = '/home/dev/big-project';
    projectName = 'big-project';
  } else {
    for (const [file, text] of Object.entries(DEMO_FILES)) {
      const s = parseScript(`${DEMO_PATH}/versions/${file.split('/').pop()}`, text);
      scripts.set(s.revision, s);
    }
    defs = [...scripts.values()].map((s) => ({
      revision: s.revision,
      down_revisions: s.down_revisions,
      branch_labels: s.branch_labels,
      depends_on: s.depends_on,
      message: s.message,
      create_date: s.create_date,
      path: s.path,
    }));
    if (mode === 'heads') {
      const base = defs.find((d) => d.message.startsWith('create tasks'));
      defs.push({
        revision: '8a1b2c3d4e08',
        down_revisions: base ? [base.revision] : [],
        branch_labels: ['reports'],
        depends_on: [],
        message: 'add reporting views',
        create_date: '2026-11-24 10:10:00',
        path: `${DEMO_PATH}/versions/8a1b2c3d4e08_add_reporting_views.sql`,
      });
    }
  }
  let revisions = buildRevisions(defs);
  let graph = new MockGraph(revisions);
  const project = (): ProjectView => ({
    path: projectPath,
    name: projectName,
    config_path: `${projectPath}/retort.toml`,
    versions_dir: `${projectPath}/versions`,
    version_table: 'alembic_version',
    revisions,
    timeline: buildLayout(revisions),
    is_demo: projectPath === DEMO_PATH,
  });

  // Connections and their databases.
  const connections: ConnectionView[] = [
    {
      id: 'project',
      name: 'nexus.db',
      source: 'project',
      dialect: 'sqlite',
      display_url: 'sqlite:///nexus.db',
      host: null,
      port: null,
      database: 'nexus.db',
      user: null,
      sqlite_path: `${projectPath}/nexus.db`,
      production: false,
      password_saved: false,
      password_required: false,
      selected: false,
      error: null,
    },
    {
      id: 'saved-1',
      name: 'staging',
      source: 'saved',
      dialect: 'postgresql',
      display_url: 'postgresql://deploy:***@db.staging.internal:5432/nexus_staging',
      host: 'db.staging.internal',
      port: 5432,
      database: 'nexus_staging',
      user: 'deploy',
      sqlite_path: null,
      production: true,
      password_saved: keychain,
      password_required: true,
      selected: false,
      error: null,
    },
    {
      id: 'saved-2',
      name: 'local mariadb',
      source: 'saved',
      dialect: 'mysql',
      display_url: 'mysql://root@127.0.0.1:3306/test',
      host: '127.0.0.1',
      port: 3306,
      database: 'test',
      user: 'root',
      sqlite_path: null,
      production: false,
      password_saved: false,
      password_required: false,
      selected: false,
      error: null,
    },
  ];
  if (mode === 'empty') connections.length = 0;
  let nextId = 3;
  const topo = graph.topo;
  const dbs = new Map<string, MockDb>([
    ['project', { rows: topo.length > 3 ? [topo[Math.min(3, topo.length - 1)]] : [], tableExists: true }],
    ['saved-1', { rows: topo.length ? graph.tips(new Set(topo)) : [], tableExists: true }],
    ['saved-2', { rows: [], tableExists: false }],
  ]);
  if (mode === 'big') dbs.get('project')!.rows = [topo[Math.floor(topo.length * 0.8)]];
  // ?mock=noversion: tables up to this revision, but no version table.
  let noVersionAt: string | null = null;
  if (mode === 'noversion') {
    noVersionAt = topo[Math.min(3, topo.length - 1)] ?? null;
    dbs.set('project', { rows: [], tableExists: false });
  }
  let selected: string | null = mode === 'empty' ? null : (params.get('connection') ?? 'project');
  // Backups (mock/backups.ts): two older ones of the project database to start with.
  const backups = new MockBackups();
  backups.seed(connections[0], topo.slice(0, 2).reverse().map((r) => [r]));

  const recent: RecentProject[] = [
    { path: projectPath, name: projectName, opened_at: '2026-11-24T10:02:11Z' },
    { path: '/home/dev/billing-service', name: 'billing-service', opened_at: '2026-11-20T16:40:00Z' },
    { path: '/home/dev/legacy-alembic', name: 'legacy-alembic', opened_at: '2026-11-02T09:15:00Z' },
  ];

  const activity: ActivityEntry[] = [
    {
      id: 'a1',
      time: '2026-11-24T09:58:40Z',
      project: projectPath,
      connection: 'sqlite:///nexus.db',
      action: 'retort upgrade +1',
      alembic_command: 'alembic upgrade +1',
      plan: [{ direction: 'up', revision: topo[0] ?? '', from: [], to: [topo[0] ?? ''], message: revisions.at(-1)?.message ?? '' }],
      outcome: 'succeeded',
      error: null,
      duration_ms: 14,
      sql: scriptSql(topo[0] ?? '', 'up', 'sqlite'),
      rows_before: [],
      rows_after: topo[0] ? [topo[0]] : [],
      backup: null,
    },
    {
      id: 'a2',
      time: '2026-11-24T10:01:05Z',
      project: projectPath,
      connection: 'postgresql://deploy:***@db.staging.internal:5432/nexus_staging',
      action: 'retort upgrade head',
      alembic_command: 'alembic upgrade head',
      plan: [],
      outcome: 'failed',
      error: {
        kind: 'database',
        message: 'The server rejected the password of user "deploy". Check the password, or save it again in the connection.',
        detail: 'password authentication failed for user "deploy"',
      },
      duration_ms: 211,
      sql: '',
      rows_before: [],
      rows_after: [],
      backup: null,
    },
  ];
  // The newest seeded backup ("before upgrade +1") was taken by this run.
  const seeded = backups.items[0];
  if (seeded && topo[2]) {
    activity.push({
      ...logged(connections[0], 'retort upgrade +1', seeded.revisions),
      id: 'a3',
      time: seeded.created_at,
      alembic_command: 'alembic upgrade +1',
      plan: [{ direction: 'up', revision: topo[2], from: seeded.revisions, to: [topo[2]], message: graph.byId.get(topo[2])?.message ?? '' }],
      duration_ms: 9,
      sql: scriptSql(topo[2], 'up', 'sqlite'),
      rows_after: [topo[2]],
      backup: { id: seeded.id, file: seeded.file },
    });
  }

  /** An activity entry for `action` on connection `c`, started now (what the backend's ActivityEntry::begin makes). */
  function logged(c: ConnectionView, action: string, rowsBefore: string[]): ActivityEntry {
    return {
      id: `a${activity.length + 1}`,
      time: new Date().toISOString(),
      project: projectPath,
      connection: `${c.name} (${c.display_url})`,
      action,
      alembic_command: '',
      plan: [],
      outcome: 'succeeded',
      error: null,
      duration_ms: 0,
      sql: '',
      rows_before: [...rowsBefore],
      rows_after: [...rowsBefore],
      backup: null,
    };
  }
  const backupRef = (b: BackupInfo | null) => (b ? { id: b.id, file: b.file } : null);
  /** Runs `write`, logging it as `entry` with its outcome and error either way. */
  function record<T>(entry: ActivityEntry, write: () => T, after: (result: T) => Partial<ActivityEntry>): T {
    const t0 = performance.now();
    try {
      const result = write();
      activity.push({ ...entry, ...after(result), duration_ms: Math.round(performance.now() - t0) });
      return result;
    } catch (e) {
      activity.push({ ...entry, outcome: 'failed', error: e as ApiError, duration_ms: Math.round(performance.now() - t0) });
      throw e;
    }
  }

  /** A doctor fix on the mock databases (apply_fix without the activity entry). */
  function applyFix(id: string): FixOutcome {
    const ddb = doctorDb();
    const findings = mockFindings(ddb, { heads: graph.heads(), versionTable: 'alembic_version' });
    if (id === 'merge' && findings.some((f) => f.fixes.some((x) => x.id === 'merge'))) {
      const heads = graph.heads();
      const merge = `9c${Date.now().toString(16).slice(-10)}`;
      defs.push({
        revision: merge,
        down_revisions: heads,
        branch_labels: [],
        depends_on: [],
        message: 'merge heads',
        create_date: '2026-11-25 04:00:00',
        path: `${projectPath}/versions/${merge}_merge_heads.sql`,
      });
      revisions = buildRevisions(defs);
      graph = new MockGraph(revisions);
      return { fix: id, ran: ['retort merge -m "merge heads" heads'], message: `Wrote merge revision ${merge} joining ${heads.join(', ')}` };
    }
    const outcome = mockApplyFix(ddb, id, findings);
    const d = db().d;
    d.rows = ddb.rows;
    d.tableExists = ddb.tableExists;
    if (ddb.schemaAt === null) noVersionAt = null;
    return outcome;
  }

  const runs = new Map<string, { cancelled: boolean }>();

  function conn(id: string | null): ConnectionView {
    const c = connections.find((c) => c.id === id);
    if (!c) throw fail('no_connection', 'No database connection is selected.', 'Pick a connection in the header, or add one.');
    return c;
  }
  function db(): { c: ConnectionView; d: MockDb } {
    if (!selected) throw fail('no_connection', 'No database connection is selected.', 'Pick a connection in the header, or add one.');
    const c = conn(selected);
    return { c, d: dbs.get(c.id)! };
  }
  function dbState(): DbState {
    if (!selected) {
      return {
        connection_id: null,
        dialect: null,
        current: [],
        effective: [],
        version_table_exists: false,
        display_url: null,
        database: null,
        production: false,
      };
    }
    const { c, d } = db();
    return {
      connection_id: c.id,
      dialect: c.dialect,
      current: [...d.rows].sort(),
      effective: graph.tips(graph.ancestors(d.rows)),
      version_table_exists: d.tableExists,
      display_url: c.display_url,
      database: c.database,
      production: c.production,
    };
  }
  function scriptStatements(rev: string, direction: 'up' | 'down', dialect: Dialect) {
    const s = scripts.get(rev);
    if (s) return statements(s, direction, dialect);
    const def = defs.find((d) => d.revision === rev);
    return def ? bigStatements(def, direction) : [];
  }
  function scriptSql(rev: string, direction: 'up' | 'down', dialect: Dialect): string {
    const s = scripts.get(rev);
    if (s) return sectionSql(s, direction, dialect);
    return scriptStatements(rev, direction, dialect)
      .map((st) => `${st.sql};`)
      .join('\n');
  }
  function commandWords(a: ActionRequest): string {
    if (a.kind === 'stamp') {
      return `stamp${a.purge ? ' --purge' : ''} ${(a.targets.length ? a.targets : [a.target]).join(' ')}`;
    }
    return `${a.kind} ${a.target}`;
  }
  function preview(a: ActionRequest): Preview {
    const { c, d } = db();
    const p = plan(graph, a, d.rows);
    let destructive = 0;
    const steps: PreviewStep[] = p.steps.map((s) => {
      const sts =
        s.direction === 'stamp'
          ? []
          : scriptStatements(s.revision, s.direction, c.dialect).map((st) => {
              const reason = destructiveReason(st.sql);
              if (reason) destructive++;
              return { sql: st.sql, line: st.line, destructive: reason };
            });
      return { ...s, no_transaction: scripts.get(s.revision)?.no_transaction ?? false, statements: sts };
    });
    const atomic = c.dialect !== 'mysql';
    return {
      dialect: c.dialect,
      steps,
      final_rows: p.final_rows,
      atomic,
      transaction_note: atomic
        ? `The whole run is one transaction on ${DIALECT_NAME[c.dialect]}: if anything fails, nothing of it remains.`
        : 'MySQL/MariaDB commit every DDL statement at once: if a statement fails, the statements before it stay applied and Retort reports exactly which ones.',
      retort_command: `retort ${commandWords(a)}`,
      alembic_command: `alembic ${commandWords(a)}`,
      destructive_statements: destructive,
      backup: backups.plan(c, d.tableExists),
    };
  }
  function offlineSql(a: ActionRequest): string {
    const p = preview(a);
    const lines = [`-- ${p.retort_command} (offline, ${DIALECT_NAME[p.dialect]})`, 'BEGIN;', ''];
    for (const s of p.steps) {
      lines.push(`-- Running ${s.direction} ${s.from.join(', ') || '<base>'} -> ${s.to.join(', ') || '<base>'}: ${s.message}`, '');
      for (const st of s.statements) lines.push(`${st.sql};`, '');
      if (s.direction === 'up' && s.from.length === 0) {
        lines.push('CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);', '');
        lines.push(`INSERT INTO alembic_version (version_num) VALUES ('${s.revision}');`, '');
      } else {
        lines.push(`UPDATE alembic_version SET version_num='${s.to[0] ?? ''}' WHERE version_num = '${s.from[0] ?? ''}';`, '');
      }
    }
    lines.push('COMMIT;');
    return lines.join('\n');
  }

  async function run(args: Record<string, unknown>): Promise<RunOutcome> {
    const a = args.action as ActionRequest;
    const runId = String(args.runId);
    const send = (args.onEvent as MockChannel).__mockChannel as (e: RunEvent) => void;
    const { c, d } = db();
    if (c.production && args.confirmDatabase !== c.database) {
      throw fail(
        'confirmation_required',
        `“${c.name}” is marked production: type the database name (${c.database}) to confirm.`,
      );
    }
    const p = preview(a);
    // The backup comes first, announced on the run's channel like the backend's.
    const plan = backups.plan(c, d.tableExists);
    const announced = plan.mode === 'automatic' || (plan.mode === 'optional' && a.backup === true);
    if (announced) {
      send({ event: 'backup_started', database: c.database ?? c.name, mode: plan.mode, tool: plan.tool });
      await sleep(delay * 4);
    }
    const b0 = performance.now();
    const taken = backups.before(c, d.rows, d.tableExists, a.backup === true, `before ${commandWords(a)}`);
    if (announced && taken) {
      send({ event: 'backup_finished', id: taken.id, file: taken.file, size_bytes: taken.size, duration_ms: Math.round(performance.now() - b0 + delay * 4) });
    }
    const token = { cancelled: false };
    runs.set(runId, token);
    const t0 = performance.now();
    const startRows = [...d.rows];
    const entry = (outcome: ActivityOutcome, error: ApiError | null): ActivityEntry => ({
      ...logged(c, p.retort_command, startRows),
      alembic_command: p.alembic_command,
      backup: backupRef(taken),
      rows_after: [...d.rows],
      plan: p.steps.map(({ direction, revision, from, to, message }) => ({ direction, revision, from, to, message })),
      outcome,
      error,
      duration_ms: Math.round(performance.now() - t0),
      sql: p.steps.flatMap((s) => s.statements.map((st) => `${st.sql};`)).join('\n'),
    });
    send({ event: 'run_started', total_steps: p.steps.length, dialect: c.dialect, transactional: p.atomic, version_rows: startRows });
    const applied: { direction: string; revision: string }[] = [];
    for (const [i, s] of p.steps.entries()) {
      if (token.cancelled) {
        const err = fail('cancelled', `Cancelled after ${applied.length} revision(s); the version table names ${d.rows.join(', ') || 'no revision (base)'}`);
        send({ event: 'run_failed', kind: err.kind, message: err.message });
        activity.push(entry('cancelled', err));
        throw err;
      }
      const st0 = performance.now();
      send({ event: 'step_started', index: i, total: p.steps.length, direction: s.direction, revision: s.revision, from: s.from, to: s.to, message: s.message, statement_count: s.statements.length });
      await sleep(delay / 2);
      for (const [j, st] of s.statements.entries()) {
        send({ event: 'statement_started', step_index: i, statement_index: j, statement_count: s.statements.length, line: st.line, sql: st.sql });
        await sleep(delay);
        const failing = mode === 'fail' && s.direction === 'up' && s.revision === graph.topo.at(-1) && j === 1;
        const exists = noVersionAt !== null && !d.tableExists && s.direction === 'up' && i === 0 && j === 0;
        if (failing || exists) {
          const path = scripts.get(s.revision)?.path ?? s.revision;
          const dbMessage = exists
            ? `table ${/CREATE TABLE (\w+)/i.exec(st.sql)?.[1] ?? 'users'} already exists`
            : 'near "WHEN": syntax error';
          if (p.atomic) d.rows = startRows;
          const err: ApiError = {
            kind: 'migration_failed',
            message: `upgrade of ${s.revision} failed at ${path}:${st.line}: ${dbMessage}${p.atomic ? ' (the failed transaction was rolled back; nothing of it remains)' : ' (no statement of this revision took effect)'}`,
            detail: st.sql,
            data: {
              revision: s.revision,
              direction: 'upgrade',
              path,
              line: st.line,
              statement: st.sql,
              db_message: dbMessage,
              applied: p.atomic ? [] : applied,
              statements_applied: [],
              rolled_back: p.atomic,
              version_rows: [...d.rows],
            },
          };
          send({ event: 'run_failed', kind: err.kind, message: err.message });
          activity.push(entry('failed', err));
          throw err;
        }
        send({ event: 'statement_finished', step_index: i, statement_index: j, duration_ms: Math.round(delay * 0.9) });
      }
      // Apply the step to the mock version table.
      const rows = new Set(d.rows);
      if (s.direction === 'stamp') {
        if (i === 0) rows.clear();
        rows.add(s.revision);
      } else {
        for (const f of s.from) rows.delete(f);
        for (const t of s.to) rows.add(t);
      }
      d.rows = graph.tips(graph.ancestors([...rows]));
      d.tableExists = true;
      applied.push({ direction: s.direction, revision: s.revision });
      send({ event: 'step_finished', index: i, revision: s.revision, duration_ms: Math.round(performance.now() - st0) });
    }
    d.rows = [...p.final_rows];
    d.tableExists = true;
    const duration = Math.round(performance.now() - t0);
    send({ event: 'run_finished', duration_ms: duration, version_rows: d.rows });
    activity.push(entry('succeeded', null));
    runs.delete(runId);
    return {
      steps: p.steps.map(({ direction, revision, from, to, message }) => ({ direction, revision, from, to, message })),
      current: [...d.rows],
      duration_ms: duration,
    };
  }

  function detail(rev: string): RevisionDetail {
    const info = graph.byId.get(rev);
    if (!info) throw fail('resolution', `Can't locate revision identified by '${rev}'`);
    const dialect: Dialect = selected ? conn(selected).dialect : 'sqlite';
    return {
      info,
      path: info.path,
      dialect,
      up_sql: scriptSql(rev, 'up', dialect),
      down_sql: scriptSql(rev, 'down', dialect),
      parents: [...info.down_revisions],
      children: [...info.children],
      depends_on: [...info.depends_on],
      dependents: revisions.filter((r) => r.depends_on.includes(rev)).map((r) => r.revision),
      no_transaction: scripts.get(rev)?.no_transaction ?? false,
    };
  }

  function save(input: ConnectionInput): ConnectionView {
    if (!input.name.trim()) throw fail('config', 'Give the connection a name.');
    const url =
      input.dialect === 'sqlite'
        ? `sqlite:///${input.sqlite_path ?? ''}`
        : `${input.dialect}://${input.user ?? ''}${input.password || input.id ? ':***' : ''}@${input.host ?? 'localhost'}:${input.port ?? ''}/${input.database ?? ''}`;
    const view: ConnectionView = {
      id: input.id ?? `saved-${nextId++}`,
      name: input.name,
      source: 'saved',
      dialect: input.dialect,
      display_url: url,
      host: input.host,
      port: input.port,
      database: input.dialect === 'sqlite' ? (input.sqlite_path?.split('/').pop() ?? null) : input.database,
      user: input.user,
      sqlite_path: input.sqlite_path,
      production: input.production,
      password_saved: keychain && !!input.password,
      password_required: input.dialect !== 'sqlite' && !!input.user && !(keychain && input.password),
      selected: false,
      error: null,
    };
    const i = connections.findIndex((c) => c.id === view.id);
    if (i >= 0) connections[i] = view;
    else {
      connections.push(view);
      dbs.set(view.id, { rows: [], tableExists: false });
    }
    return view;
  }

  function test(c: Pick<ConnectionView, 'dialect' | 'host' | 'port'>): ConnectionTest {
    if (c.dialect === 'mysql') {
      return {
        ok: false,
        server_version: null,
        round_trip_ms: null,
        connect_ms: null,
        error: {
          kind: 'connection_refused',
          message: `Nothing listens on ${c.host ?? 'localhost'}:${c.port ?? 3306}. Start the database server, or check the host and port.`,
          detail: 'Connection refused (os error 111)',
        },
        note: null,
      };
    }
    return {
      ok: true,
      server_version: c.dialect === 'sqlite' ? '3.46.1' : '15.19 (Debian 15.19-0+deb12u1)',
      round_trip_ms: c.dialect === 'sqlite' ? 0 : 2,
      connect_ms: c.dialect === 'sqlite' ? 1 : 9,
      error: null,
      note: null,
    };
  }
  function failureAsError(t: ConnectionTest): ApiError {
    return { kind: 'database', message: t.error?.message ?? 'The connection failed.', detail: t.error?.detail ?? null };
  }

  function doctorDb(): DoctorDb {
    const { c, d } = db();
    return {
      connectionId: c.id,
      dialect: c.dialect,
      rows: [...d.rows],
      tableExists: d.tableExists,
      schemaAt: c.id === 'project' ? noVersionAt : null,
      user: c.user,
      database: c.database,
    };
  }

  const extraTables = Number(params.get('tables') ?? 0);
  let lastDiff: { runId: string; diff: SchemaDiff } | null = null;
  function snapshot(): Schema {
    const { c, d } = db();
    return mockSchema(graph.ancestors(d.rows), d.tableExists, c.dialect, extraTables);
  }

  const handlers: Record<string, (args: Record<string, unknown>) => unknown> = {
    app_info: (): AppInfo => ({
      version: '0.1.0 (mock)',
      data_dir: '/home/dev/.local/share/retort',
      log_dir: '/home/dev/.local/share/retort/logs',
      keychain_available: keychain,
      demo_project: DEMO_PATH,
    }),
    recent_projects: () => recent,
    open_project: ({ path }) => {
      if (path !== projectPath) {
        throw fail('config', `No retort.toml, alembic.ini or pyproject.toml with [tool.alembic] in ${String(path)}.`, 'Pick the folder that holds the project’s retort.toml, alembic.ini or pyproject.toml, or create a new project there.');
      }
      return project();
    },
    open_demo_project: () => project(),
    new_project: ({ dir }) => {
      projectPath = String(dir);
      projectName = projectPath.split('/').pop() ?? projectPath;
      scripts = new Map();
      defs = [];
      revisions = buildRevisions(defs);
      graph = new MockGraph(revisions);
      return project();
    },
    pick_folder: () => DEMO_PATH,
    current_project: () => (mode === 'first-run' ? null : project()),
    reload_project: () => project(),
    list_connections: () => connections.map((c) => ({ ...c, selected: c.id === selected })),
    save_connection: ({ input }) => save(input as ConnectionInput),
    duplicate_connection: ({ id }) => {
      const c = conn(String(id));
      return save({ ...c, id: null, name: `${c.name} (copy)`, password: null });
    },
    delete_connection: ({ id }) => {
      const i = connections.findIndex((c) => c.id === id && c.source === 'saved');
      if (i < 0) throw fail('config', 'Only saved connections can be deleted.');
      connections.splice(i, 1);
      if (selected === id) selected = null;
      return null;
    },
    pick_sqlite_file: ({ create }) => (create ? '/home/dev/new.db' : `${projectPath}/nexus.db`),
    test_connection: ({ id }) => test(conn(String(id))),
    test_connection_input: ({ input }) => test(input as ConnectionInput),
    select_connection: ({ id, password }) => {
      const c = conn(String(id));
      if (c.password_required && !c.password_saved && !password) {
        throw fail('password_required', `Enter the password for ${c.user ?? 'the user'} on ${c.name}.`);
      }
      const t = test(c);
      if (!t.ok) throw failureAsError(t);
      selected = c.id;
      return dbState();
    },
    db_state: () => dbState(),
    revision_detail: ({ revision }) => detail(String(revision)),
    revision_schema_diff: ({ revision }) => {
      const r = graph.byId.get(String(revision));
      if (!r) throw fail('resolution', `Can't locate revision identified by '${String(revision)}'`);
      const { c } = db();
      const before = mockSchema(graph.ancestors([...r.down_revisions, ...r.depends_on]), true, c.dialect);
      return mockDiff(before, mockSchema(graph.ancestors([r.revision]), true, c.dialect));
    },
    preview_action: ({ action }) => preview(action as ActionRequest),
    offline_sql: ({ action }) => offlineSql(action as ActionRequest),
    run_action: async (args) => {
      const before = snapshot();
      try {
        return await run(args);
      } finally {
        lastDiff = { runId: String(args.runId), diff: mockDiff(before, snapshot()) };
      }
    },
    run_schema_diff: ({ runId }) => (lastDiff && lastDiff.runId === runId ? lastDiff.diff : null),
    schema_snapshot: () => snapshot(),
    table_rows: ({ schema, table, limit }) => {
      const s = snapshot();
      const t = [...s.tables, ...s.views].find((x) => x.name === table && (!schema || x.schema === schema));
      if (!t) throw fail('invalid_input', `There is no table '${String(table)}'`);
      return mockRows(t, Number(limit), db().d.rows);
    },
    cancel_run: ({ runId }) => {
      const r = runs.get(String(runId));
      if (r) r.cancelled = true;
      return null;
    },
    activity_list: () => [...activity].reverse(),
    // Backups (mock/backups.ts)
    list_backups: ({ all }) => {
      const c = selected ? conn(selected) : null;
      return backups.list(c, all === true, c ? dbs.get(c.id)!.tableExists : false);
    },
    create_backup: () => {
      const { c, d } = db();
      return record(
        logged(c, 'retort backup create', d.rows),
        () => (c.dialect === 'sqlite' && !d.tableExists ? null : backups.before(c, d.rows, d.tableExists, true, 'on request')),
        (made) => ({ backup: backupRef(made) }),
      );
    },
    restore_backup: ({ id, confirmDatabase }) => {
      const { c, d } = db();
      if (c.production && confirmDatabase !== c.database) {
        throw fail('confirmation_required', `“${c.name}” is marked production: type the database name (${c.database}) to confirm.`);
      }
      return record(
        logged(c, `retort backup restore ${String(id)}`, d.rows),
        () => {
          const outcome = backups.restore(String(id), c, d.rows);
          d.rows = [...outcome.restored.revisions];
          d.tableExists = true;
          return outcome;
        },
        (outcome) => ({ rows_after: [...d.rows], backup: backupRef(outcome.safety_backup) }),
      );
    },
    set_backup_keep: ({ keep }) => {
      backups.setKeep(Number(keep));
      const c = selected ? conn(selected) : null;
      return backups.list(c, false, c ? dbs.get(c.id)!.tableExists : false);
    },
    // Troubleshoot (mock/doctor.ts)
    diagnose: () => mockFindings(doctorDb(), { heads: graph.heads(), versionTable: 'alembic_version' }),
    apply_fix: ({ fixId }) => {
      const id = String(fixId);
      // Logged like the backend's apply_fix, with the backup a database fix takes first (SQLite).
      const { c, d } = db();
      const taken = id === 'merge' || id === 'grants' ? null : backups.before(c, d.rows, d.tableExists, false, `before doctor --fix ${id}`);
      return record(
        logged(c, `retort doctor --fix ${id}`, d.rows),
        () => applyFix(id),
        (outcome) => ({ sql: outcome.ran.map((st) => `${st.replace(/;$/, '')};\n`).join(''), rows_after: [...db().d.rows], backup: backupRef(taken) }),
      );
    },
    export_diagnostics: () => '/home/dev/retort-diagnostics.json',
    export_activity: () => '/home/dev/retort-activity.jsonl',
    // Checks: round-trip test and drift (mock/safety.ts).
    run_roundtrip_test: async (args) => {
      const { c } = db();
      const runId = String(args.runId);
      const send = (args.onProgress as MockChannel).__mockChannel as (p: RoundTripProgress) => void;
      const topo = graph.topo.map((id) => ({ revision: id, message: graph.byId.get(id)?.message ?? '' }));
      const { events, report } = mockRoundTrip(topo, mode, c.dialect);
      const token = { cancelled: false };
      runs.set(runId, token);
      const t0 = performance.now();
      try {
        for (const e of events) {
          if (token.cancelled) throw fail('cancelled', 'The round-trip test was cancelled; its scratch database was discarded');
          send(e);
          await sleep(delay / 2);
        }
      } finally {
        runs.delete(runId);
      }
      return { ...report, duration_ms: Math.round(performance.now() - t0) };
    },
    check_drift: () => {
      const { c, d } = db();
      if (!d.tableExists) {
        throw fail(
          'command',
          'The database has no alembic_version table, so it is not known which revision its schema should match. If it was never migrated, run `retort upgrade head`; if its tables were made another way, `retort doctor` finds the revision they match and `retort stamp REV` records it.',
        );
      }
      const applied = graph.ancestors(d.rows);
      const pending = graph.topo.filter((id) => !applied.has(id));
      return mockDrift(d.rows, pending, mode, c.dialect);
    },
    // Drift: autogenerate (mock/autogen.ts); the new revision joins the timeline.
    autogenerate_revision: ({ message }) => {
      const text = String(message ?? '').trim();
      if (!text) throw fail('invalid_input', 'Give the new revision a message, e.g. "add nickname to users"');
      const head = graph.heads();
      const rows = [...db().d.rows].sort();
      if (rows.join() !== [...head].sort().join()) {
        throw fail(
          'command',
          `Target database is not up to date: it is at ${rows.join(', ') || 'base'}, the new revision would follow ${head.join(', ')}. Run \`retort upgrade head\` first (autogenerate compares the database with the complete migration history). Nothing was written.`,
        );
      }
      const id = `a7${Date.now().toString(16).slice(-10)}`;
      const result = mockAutogenerate(text, { dialect: db().c.dialect, head, projectPath, id });
      defs.push({
        revision: id,
        down_revisions: head,
        branch_labels: [],
        depends_on: [],
        message: text,
        create_date: '2026-11-25 04:30:00',
        path: result.path,
      });
      revisions = buildRevisions(defs);
      graph = new MockGraph(revisions);
      return result;
    },
  };

  return {
    async invoke<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
      const h = handlers[command];
      if (!h) throw fail('internal', `Unknown command ${command}`);
      await sleep(mode === 'big' ? 0 : 15);
      return structuredClone(await h(args)) as T;
    },
    channel<T>(onMessage: (message: T) => void): MockChannel {
      return { __mockChannel: (m) => onMessage(m as T) };
    },
  };
}

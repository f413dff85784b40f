// One typed function per command of the IPC contract. Command names are the Rust function names;
// argument names are camelCase because Tauri converts them to the Rust snake_case parameters.
import { toApiError } from './errors';
import type { Transport } from './transport';
import type {
  ActionRequest,
  ActivityEntry,
  AppInfo,
  AutogenerateResult,
  BackupInfo,
  BackupList,
  ConnectionInput,
  ConnectionTest,
  ConnectionView,
  DbState,
  DriftReport,
  Finding,
  FixOutcome,
  Preview,
  RunEvent,
  ProjectView,
  RecentProject,
  RestoreOutcome,
  RevisionDetail,
  RoundTripProgress,
  RoundTripReport,
  RunOutcome,
  Schema,
  SchemaDiff,
  TableRows,
} from './types';

export type Api = ReturnType<typeof createApi>;

export function createApi(transport: Transport | Promise<Transport>) {
  const ready = Promise.resolve(transport);
  /** Calls a command; any failure is rethrown as an ApiError. */
  async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    const t = await ready;
    try {
      return await t.invoke<T>(command, args);
    } catch (e) {
      throw toApiError(e);
    }
  }

  return {
    // Project
    appInfo: () => call<AppInfo>('app_info'),
    /** The project the backend has open (it reopens the last one, or the demo, on start). */
    currentProject: () => call<ProjectView | null>('current_project'),
    /** Reads the project's scripts again (after editing them outside the app). */
    reloadProject: () => call<ProjectView>('reload_project'),
    openProject: (path: string) => call<ProjectView>('open_project', { path }),
    openDemoProject: () => call<ProjectView>('open_demo_project'),
    newProject: (dir: string) => call<ProjectView>('new_project', { dir }),
    recentProjects: () => call<RecentProject[]>('recent_projects'),
    pickFolder: () => call<string | null>('pick_folder'),

    // Connections
    listConnections: () => call<ConnectionView[]>('list_connections'),
    saveConnection: (input: ConnectionInput) => call<ConnectionView>('save_connection', { input }),
    duplicateConnection: (id: string) => call<ConnectionView>('duplicate_connection', { id }),
    deleteConnection: (id: string) => call<void>('delete_connection', { id }),
    pickSqliteFile: (create: boolean) => call<string | null>('pick_sqlite_file', { create }),
    testConnection: (id: string, password: string | null) =>
      call<ConnectionTest>('test_connection', { id, password }),
    /** Tests the connection form before it is saved. */
    testConnectionInput: (input: ConnectionInput) => call<ConnectionTest>('test_connection_input', { input }),
    selectConnection: (id: string, password: string | null) =>
      call<DbState>('select_connection', { id, password }),
    dbState: () => call<DbState>('db_state'),

    // Timeline
    revisionDetail: (revision: string) => call<RevisionDetail>('revision_detail', { revision }),
    /** The schema change `revision` makes, replayed into a scratch database of the selected
     * connection's dialect (the selected database is never changed). */
    revisionSchemaDiff: (revision: string) => call<SchemaDiff>('revision_schema_diff', { revision }),

    // Actions
    previewAction: (action: ActionRequest) => call<Preview>('preview_action', { action }),
    offlineSql: (action: ActionRequest) => call<string>('offline_sql', { action }),
    /** Runs an action; `onEvent` receives its events in order while the promise is pending: the
     * backup's (`backup_started`, `backup_finished`; none when nothing is backed up), then the
     * engine's ProgressEvents. */
    runAction: async (
      action: ActionRequest,
      runId: string,
      confirmDatabase: string | null,
      onEvent: (event: RunEvent) => void,
    ) => {
      const t = await ready;
      const channel = t.channel<RunEvent>(onEvent);
      return call<RunOutcome>('run_action', { action, runId, confirmDatabase, onEvent: channel });
    },
    cancelRun: (runId: string) => call<void>('cancel_run', { runId }),
    /** What run `runId` changed in the schema (snapshots before and after); null when unknown. */
    runSchemaDiff: (runId: string) => call<SchemaDiff | null>('run_schema_diff', { runId }),

    // Schema
    /** The selected database's schema; `schema` picks a PostgreSQL schema / MySQL database. */
    schemaSnapshot: (schema: string | null = null) => call<Schema>('schema_snapshot', { schema }),
    /** A table's row count and first `limit` rows (read-only). */
    tableRows: (schema: string | null, table: string, limit: number) =>
      call<TableRows>('table_rows', { schema, table, limit }),

    // Activity log
    activityList: () => call<ActivityEntry[]>('activity_list'),
    exportActivity: () => call<string | null>('export_activity'),

    // Backups
    /** Backups of the selected database (or of every database with `all`), newest first, with the
     * folder, the keep-N setting and what an action on the selected database does about backups. */
    listBackups: (all: boolean) => call<BackupList>('list_backups', { all }),
    /** Backs up the selected database now; `null` when there is nothing to back up yet. */
    createBackup: () => call<BackupInfo | null>('create_backup'),
    /** Puts a backup back (after backing up the current state); `confirmDatabase` as for runAction
     * on production connections. Refused while another process holds a SQLite file. */
    restoreBackup: (id: string, confirmDatabase: string | null) =>
      call<RestoreOutcome>('restore_backup', { id, confirmDatabase }),
    /** How many backups of each database are kept (older ones are deleted at once). */
    setBackupKeep: (keep: number) => call<BackupList>('set_backup_keep', { keep }),

    // Checks: round-trip test and drift
    /** The round-trip test (`retort test`) in a scratch database next to the selected one;
     * `onProgress` receives each step while the promise is pending. Cancel with cancelRun(runId). */
    runRoundtripTest: async (runId: string, onProgress: (progress: RoundTripProgress) => void) => {
      const t = await ready;
      const channel = t.channel<RoundTripProgress>(onProgress);
      return call<RoundTripReport>('run_roundtrip_test', { runId, onProgress: channel });
    },
    /** Drift detection (`retort check`): the selected database against its migrations (read-only). */
    checkDrift: () => call<DriftReport>('check_drift'),

    // Drift: autogenerate
    /** Writes a revision whose up section brings the migrations to the selected database's schema
     * (down reverses it); what cannot be derived safely is a commented TODO listed in `warnings`.
     * Fails, writing nothing, when the database is not at head or nothing differs. */
    autogenerateRevision: (message: string) =>
      call<AutogenerateResult>('autogenerate_revision', { message }),

    // Troubleshoot (doctor)
    /** The doctor's findings for the open project and the selected database (read-only). */
    diagnose: () => call<Finding[]>('diagnose'),
    /** Applies one fix the doctor offered; `confirmDatabase` as for runAction on production. */
    applyFix: (fixId: string, confirmDatabase: string | null) =>
      call<FixOutcome>('apply_fix', { fixId, confirmDatabase }),
    /** Writes findings, versions, the redacted connection and recent activity to a chosen file. */
    exportDiagnostics: () => call<string | null>('export_diagnostics'),
  };
}

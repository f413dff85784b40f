// The app's state: what is open, what is connected, what is selected, which dialog shows.
import {
  api,
  runtimeMode,
  toApiError,
  type ActionRequest,
  type ApiError,
  type AppInfo,
  type ConnectionView,
  type DbState,
  type ProjectView,
  type RecentProject,
} from '../api';
import { countStates, revisionStates, type RevisionState } from '../lib/status';
import { explainHeads } from '../lib/heads';
import { filterRows } from '../lib/filter';

export type Dialog =
  | { type: 'action'; request: ActionRequest }
  | { type: 'sql'; request: ActionRequest }
  | { type: 'connection'; editing: ConnectionView | null }
  | { type: 'password'; connection: ConnectionView; error: ApiError | null }
  | { type: 'help' };

export type Popover = 'project' | 'connection' | null;

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
}

class AppState {
  readonly mode = runtimeMode;
  info = $state.raw<AppInfo | null>(null);
  starting = $state(true);

  project = $state.raw<ProjectView | null>(null);
  projectError = $state.raw<ApiError | null>(null);
  recent = $state.raw<RecentProject[]>([]);

  connections = $state.raw<ConnectionView[]>([]);
  db = $state.raw<DbState | null>(null);
  dbError = $state.raw<ApiError | null>(null);
  connecting = $state(false);
  /** Why the last attempt to select a connection failed (shown in the picker). */
  connectError = $state.raw<{ id: string; error: ApiError } | null>(null);

  selected = $state<string | null>(null);
  filter = $state('');
  view = $state<'timeline' | 'activity' | 'schema' | 'troubleshoot' | 'checks' | 'backups'>('timeline');
  dialog = $state.raw<Dialog | null>(null);
  /** Set while a run is in progress: the dialog stays open until it ends. */
  dialogLocked = $state(false);
  popover = $state<Popover>(null);
  toasts = $state<Toast[]>([]);
  /** Bumped after every run so views that cache (activity) reload. */
  runCount = $state(0);

  connection = $derived(this.connections.find((c) => c.id === this.db?.connection_id) ?? null);
  states = $derived<Map<string, RevisionState>>(
    this.project && this.db
      ? revisionStates(this.project.revisions, this.db.current)
      : new Map(this.project?.revisions.map((r) => [r.revision, 'pending' as const]) ?? []),
  );
  counts = $derived(countStates(this.states));
  heads = $derived(explainHeads(this.project?.revisions ?? []));
  /** Row indexes the timeline shows (null: all). */
  filtered = $derived(this.project ? filterRows(this.project.timeline.rows, this.filter) : null);
  /** Revision ids in the order the timeline shows them. */
  order = $derived.by(() => {
    const rows = this.project?.timeline.rows ?? [];
    return this.filtered ? this.filtered.map((i) => rows[i].revision) : rows.map((r) => r.revision);
  });
  revisionById = $derived(new Map(this.project?.revisions.map((r) => [r.revision, r] as const) ?? []));
  rowIndex = $derived(new Map(this.project?.timeline.rows.map((r, i) => [r.revision, i] as const) ?? []));

  #toastId = 0;

  toast(text: string, kind: Toast['kind'] = 'info') {
    const id = ++this.#toastId;
    this.toasts = [...this.toasts, { id, text, kind }];
    setTimeout(() => (this.toasts = this.toasts.filter((t) => t.id !== id)), kind === 'error' ? 8000 : 4000);
  }

  async start() {
    this.starting = true;
    try {
      this.info = await api.appInfo();
    } catch (e) {
      this.projectError = toApiError(e);
      this.starting = false;
      return;
    }
    await this.loadRecent();
    // The backend reopens the last project (or the demo) on start; ask it first.
    let current = null;
    try {
      current = await api.currentProject();
    } catch (e) {
      this.projectError = toApiError(e);
    }
    if (current) this.#setProject(current);
    else {
      const last = this.recent[0];
      let opened = false;
      if (last) opened = await this.openProject(last.path, true);
      if (!opened) {
        const failed = this.projectError;
        await this.openDemo();
        if (failed && last) this.toast(`Could not reopen ${last.path}: ${failed.message} The demo project opened instead.`, 'error');
      }
    }
    await this.loadConnections();
    await this.refreshDb();
    if (!this.db?.connection_id) {
      const first = this.connections.find((c) => c.source !== 'saved' && !c.password_required);
      if (first) await this.selectConnection(first);
    }
    // Start where the database is.
    const here = this.order.find((id) => this.db?.current.includes(id));
    if (here) {
      this.selected = here;
      this.centerRequest++;
    }
    this.starting = false;
  }

  async loadRecent() {
    try {
      this.recent = await api.recentProjects();
    } catch {
      this.recent = [];
    }
  }

  #setProject(p: ProjectView) {
    this.project = p;
    this.projectError = null;
    this.filter = '';
    this.selected = p.timeline.rows[0]?.revision ?? null;
  }

  async openProject(path: string, quiet = false): Promise<boolean> {
    try {
      this.#setProject(await api.openProject(path));
      await this.afterProjectChange();
      return true;
    } catch (e) {
      this.projectError = toApiError(e);
      if (!quiet) this.toast(this.projectError.message, 'error');
      return false;
    }
  }

  async openDemo() {
    try {
      this.#setProject(await api.openDemoProject());
      await this.afterProjectChange();
    } catch (e) {
      this.projectError = toApiError(e);
    }
  }

  async pickAndOpen() {
    this.popover = null;
    try {
      const dir = await api.pickFolder();
      if (dir) await this.openProject(dir);
    } catch (e) {
      this.toast(toApiError(e).message, 'error');
    }
  }

  async pickAndCreate() {
    this.popover = null;
    try {
      const dir = await api.pickFolder();
      if (!dir) return;
      this.#setProject(await api.newProject(dir));
      await this.afterProjectChange();
      this.toast(`Created a new project in ${dir}.`);
    } catch (e) {
      this.toast(toApiError(e).message, 'error');
    }
  }

  /** Reads the project's scripts again, keeping the selection where it still exists. */
  async reloadProject() {
    const keep = this.selected;
    try {
      const p = await api.reloadProject();
      this.project = p;
      this.projectError = null;
      if (keep && p.timeline.rows.some((r) => r.revision === keep)) this.selected = keep;
      await this.refreshDb();
    } catch (e) {
      this.toast(toApiError(e).message, 'error');
    }
  }

  async afterProjectChange() {
    await Promise.all([this.loadRecent(), this.loadConnections()]);
    await this.refreshDb();
  }

  async loadConnections() {
    try {
      this.connections = await api.listConnections();
    } catch (e) {
      this.toast(toApiError(e).message, 'error');
    }
  }

  async refreshDb() {
    try {
      this.db = await api.dbState();
      this.dbError = null;
    } catch (e) {
      this.dbError = toApiError(e);
    }
  }

  /** Selects a connection; asks for the password first when none is saved. */
  async selectConnection(c: ConnectionView, password: string | null = null): Promise<boolean> {
    if (c.password_required && !c.password_saved && password === null) {
      this.dialog = { type: 'password', connection: c, error: null };
      return false;
    }
    this.connecting = true;
    this.popover = null;
    try {
      this.db = await api.selectConnection(c.id, password);
      this.dbError = null;
      this.connectError = null;
      if (this.dialog?.type === 'password') this.dialog = null;
      return true;
    } catch (e) {
      const err = toApiError(e);
      if (this.dialog?.type === 'password' || err.kind === 'password_required') {
        this.dialog = { type: 'password', connection: c, error: err.kind === 'password_required' ? null : err };
      } else {
        // The previous connection (if any) stays selected; the picker shows why this one failed.
        this.connectError = { id: c.id, error: err };
        this.popover = 'connection';
      }
      return false;
    } finally {
      this.connecting = false;
    }
  }

  /** Bumped to ask the timeline to centre the selection. */
  centerRequest = $state(0);

  /** Selects the (first) revision the version table names and centres it. */
  goToCurrent() {
    const current = this.db?.current ?? [];
    const target = this.order.find((id) => current.includes(id));
    if (!target) {
      this.toast(current.length ? 'The database’s revision is hidden by the filter.' : 'The database is at base: nothing applied yet.');
      return;
    }
    this.selected = target;
    this.centerRequest++;
  }

  select(revision: string | null) {
    this.selected = revision;
  }

  /** Moves the selection by `delta` rows in timeline order (newest first). */
  moveSelection(delta: number, visible: readonly string[]) {
    if (visible.length === 0) return;
    const i = this.selected ? visible.indexOf(this.selected) : -1;
    const next = i < 0 ? (delta > 0 ? 0 : visible.length - 1) : Math.max(0, Math.min(visible.length - 1, i + delta));
    this.selected = visible[next];
  }

  startAction(request: ActionRequest) {
    if (!this.requireConnection()) return;
    this.popover = null;
    this.dialog = { type: 'action', request };
  }

  showSql(request: ActionRequest) {
    if (!this.requireConnection()) return;
    this.popover = null;
    this.dialog = { type: 'sql', request };
  }

  requireConnection(): boolean {
    if (this.connection) return true;
    this.toast('Choose a database connection first (header, right of the project).', 'error');
    this.popover = 'connection';
    return false;
  }

  async afterRun() {
    this.runCount++;
    await this.refreshDb();
  }

  closeTop(): boolean {
    if (this.dialog) {
      if (this.dialogLocked) return true;
      this.dialog = null;
      return true;
    }
    if (this.popover) {
      this.popover = null;
      return true;
    }
    if (this.filter) {
      this.filter = '';
      return true;
    }
    return false;
  }
}

export const app = new AppState();

// The schema view's state: the selected database's snapshot, the open table, the list filter
// and whether the ER diagram shows. Reloaded when the connection changes and after every run.
import { api, toApiError, type ApiError, type Schema } from '../api';

class SchemaState {
  schema = $state.raw<Schema | null>(null);
  error = $state.raw<ApiError | null>(null);
  loading = $state(false);
  /** `schema.name` of the open table, or null. */
  open = $state<string | null>(null);
  filter = $state('');
  /** The PostgreSQL schema / MySQL database to read; '' = the connection's default. */
  namespace = $state('');
  mode = $state<'table' | 'diagram'>('table');
  /** What the snapshot was taken for (connection and run count), to reload when it changes. */
  loadedFor = $state<string | null>(null);
  /** Bumped by every snapshot read, so views of the open table refresh their counts and rows. */
  version = $state(0);
  #request = 0;

  async load(key: string) {
    const request = ++this.#request;
    this.loading = true;
    this.loadedFor = key;
    try {
      const schema = await api.schemaSnapshot(this.namespace.trim() || null);
      if (request !== this.#request) return;
      this.schema = schema;
      this.version++;
      this.error = null;
      if (this.open && !this.hasTable(this.open)) this.open = null;
    } catch (e) {
      if (request !== this.#request) return;
      this.schema = null;
      this.error = toApiError(e);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  hasTable(key: string): boolean {
    const s = this.schema;
    return !!s && [...s.tables, ...s.views].some((t) => `${t.schema}.${t.name}` === key);
  }

  openTable(key: string) {
    this.open = key;
    this.mode = 'table';
  }
}

export const schemaView = new SchemaState();

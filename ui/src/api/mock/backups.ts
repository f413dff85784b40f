// Mock backups (?mock): what the backend's BackupStore answers, in memory. SQLite connections are
// backed up before every run; PostgreSQL has pg_dump "installed", MySQL has no dump tool.
import type { ApiError, BackupInfo, BackupList, BackupPlan, ConnectionView, RestoreOutcome } from '../types';

const DATA_DIR = '/home/dev/.local/share/dev.retort.desktop/backups';

function fail(kind: string, message: string): ApiError {
  return { kind, message, detail: null };
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.(\d{3})Z$/, '$1Z');
}

export class MockBackups {
  keep = 10;
  items: BackupInfo[] = [];

  /** Two older backups of the project database, so the view is not empty at first. */
  seed(c: ConnectionView, revisions: string[][]) {
    const now = Date.now();
    revisions.forEach((revs, i) => {
      this.items.push(this.#info(c, revs, i === 0 ? 'before upgrade +1' : 'before stamp head', new Date(now - (i + 1) * 3_600_000)));
    });
  }

  #tool(c: ConnectionView): string | null {
    if (c.dialect === 'sqlite') return 'VACUUM INTO';
    return c.dialect === 'postgresql' ? 'pg_dump' : null;
  }

  #info(c: ConnectionView, revisions: string[], reason: string, at = new Date()): BackupInfo {
    const ext = c.dialect === 'sqlite' ? 'sqlite' : 'sql';
    let id = `${c.database ?? c.name}-${stamp(at)}-${revisions.join('+') || 'base'}`;
    while (this.items.some((b) => b.id === id)) id += '-2';
    return {
      id,
      file: `${DATA_DIR}/${id}.${ext}`,
      dialect: c.dialect,
      database: c.display_url,
      key: c.id,
      name: c.database ?? c.name,
      created_at: at.toISOString(),
      revisions: [...revisions],
      reason,
      size: c.dialect === 'sqlite' ? 98_304 + revisions.length * 4096 : 24_812,
      tool: this.#tool(c) ?? 'mysqldump',
    };
  }

  plan(c: ConnectionView, fileExists: boolean): BackupPlan {
    const tool = this.#tool(c);
    if (c.dialect === 'sqlite') {
      return fileExists
        ? { mode: 'automatic', message: `A backup of ${c.database} is taken first (kept: last ${this.keep})`, tool, keep: this.keep }
        : { mode: 'not_needed', message: `${c.database} does not exist yet: there is nothing to back up`, tool: null, keep: this.keep };
    }
    return tool
      ? { mode: 'optional', message: `${tool} found: ask for a dump to be taken before running (kept: last ${this.keep})`, tool, keep: this.keep }
      : { mode: 'unavailable', message: 'No automatic undo on this database: mysqldump is not installed', tool: null, keep: this.keep };
  }

  /** The backup before a run (null: none due). Throws like the backend when a dump is asked for without a tool. */
  before(c: ConnectionView, rows: string[], fileExists: boolean, asked: boolean, reason: string): BackupInfo | null {
    if (c.dialect === 'sqlite') return fileExists ? this.take(c, rows, reason) : null;
    if (!asked) return null;
    if (!this.#tool(c)) {
      throw fail('command', 'mysqldump or mariadb-dump is not installed (not found on PATH), so Retort cannot back up or restore this MySQL/MariaDB database. Install it (Debian/Ubuntu: apt install mariadb-client or mysql-client) and try again, or run without a backup. Nothing was changed.');
    }
    return this.take(c, rows, reason);
  }

  take(c: ConnectionView, rows: string[], reason: string): BackupInfo {
    const info = this.#info(c, rows, reason);
    this.items.unshift(info);
    const mine = this.items.filter((b) => b.key === c.id);
    for (const old of mine.slice(this.keep)) this.items.splice(this.items.indexOf(old), 1);
    return info;
  }

  list(c: ConnectionView | null, all: boolean, fileExists: boolean): BackupList {
    return {
      dir: DATA_DIR,
      keep: this.keep,
      backups: this.items.filter((b) => all || !c || b.key === c.id),
      plan: c ? this.plan(c, fileExists) : null,
      database: c?.database ?? null,
    };
  }

  restore(id: string, c: ConnectionView, rows: string[]): RestoreOutcome {
    const backup = this.items.find((b) => b.id === id);
    if (!backup) throw fail('command', `No backup '${id}' in ${DATA_DIR}.`);
    if (backup.key !== c.id) {
      throw fail('command', `Backup ${backup.id} is of ${backup.database}, not of ${c.display_url}. Connect to that database to restore it. Nothing was changed.`);
    }
    const safety = this.take(c, rows, `before restore of ${backup.id}`);
    return { restored: backup, safety_backup: safety };
  }

  setKeep(keep: number) {
    if (!Number.isInteger(keep) || keep < 1) {
      throw fail('command', 'Keep at least one backup per database (the setting is a count, e.g. 10)');
    }
    this.keep = keep;
    const keys = new Set(this.items.map((b) => b.key));
    for (const key of keys) {
      const mine = this.items.filter((b) => b.key === key);
      for (const old of mine.slice(keep)) this.items.splice(this.items.indexOf(old), 1);
    }
  }
}

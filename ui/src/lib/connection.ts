// The connection form: its fields as strings, checks, and the ConnectionInput it saves.
import type { ConnectionInput, ConnectionView, Dialect } from '../api';

export interface ConnectionForm {
  name: string;
  dialect: Dialect;
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
  sqlite_path: string;
  production: boolean;
}

export function defaultPort(d: Dialect): number | null {
  return d === 'postgresql' ? 5432 : d === 'mysql' ? 3306 : null;
}

export function formFromView(v: ConnectionView | null): ConnectionForm {
  if (!v) {
    return {
      name: '',
      dialect: 'postgresql',
      host: 'localhost',
      port: '5432',
      database: '',
      user: '',
      password: '',
      sqlite_path: '',
      production: false,
    };
  }
  return {
    name: v.name,
    dialect: v.dialect,
    host: v.host ?? '',
    port: v.port !== null ? String(v.port) : '',
    database: v.database ?? '',
    user: v.user ?? '',
    password: '',
    sqlite_path: v.sqlite_path ?? '',
    production: v.production,
  };
}

/** What is missing or wrong, as sentences; empty when the form can be saved. */
export function validateForm(f: ConnectionForm): string[] {
  const out: string[] = [];
  if (!f.name.trim()) out.push('Give the connection a name.');
  if (f.dialect === 'sqlite') {
    if (!f.sqlite_path.trim()) out.push('Choose a SQLite file, or create a new one.');
  } else {
    if (!f.host.trim()) out.push('Enter the host (localhost for this machine).');
    if (f.port.trim() && !/^\d{1,5}$/.test(f.port.trim())) out.push('The port is a number, e.g. 5432.');
    else if (f.port.trim() && Number(f.port) > 65535) out.push('The port is at most 65535.');
    if (!f.database.trim()) out.push('Enter the database name.');
  }
  return out;
}

const opt = (s: string) => (s.trim() ? s.trim() : null);

/**
 * The save_connection argument. The password is sent only when there is a keychain to keep it
 * (without one it is asked for each time and never stored); an empty field keeps a saved one.
 */
export function connectionInput(f: ConnectionForm, id: string | null, keychain: boolean): ConnectionInput {
  const sqlite = f.dialect === 'sqlite';
  return {
    id,
    name: f.name.trim(),
    dialect: f.dialect,
    host: sqlite ? null : opt(f.host),
    port: sqlite || !f.port.trim() ? null : Number(f.port),
    database: sqlite ? null : opt(f.database),
    user: sqlite ? null : opt(f.user),
    password: !sqlite && keychain && f.password ? f.password : null,
    sqlite_path: sqlite ? opt(f.sqlite_path) : null,
    production: f.production,
  };
}

/**
 * What the header and status bar call the selected connection: a saved connection by the name
 * the user gave it; `DATABASE_URL` and the project's URL by the database they point at (the
 * source is only where the URL came from), with the source alongside.
 */
export function connectionLabel(v: ConnectionView): { name: string; via: string | null } {
  if (v.source === 'saved' || !v.database || v.database === v.name) return { name: v.name, via: null };
  return { name: v.database, via: v.name };
}

/** The same in one line of text: `shop_dev via DATABASE_URL`, `staging`. */
export function connectionTitle(v: ConnectionView): string {
  const { name, via } = connectionLabel(v);
  return via ? `${name} via ${via}` : name;
}

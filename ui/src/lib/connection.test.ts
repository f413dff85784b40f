import { describe, expect, it } from 'vitest';
import type { ConnectionView } from '../api';
import { connectionInput, connectionLabel, defaultPort, formFromView, validateForm } from './connection';

const view: ConnectionView = {
  id: 'saved-1', name: 'staging', source: 'saved', dialect: 'postgresql', display_url: 'postgresql://deploy:***@db:5432/app',
  host: 'db', port: 5432, database: 'app', user: 'deploy', sqlite_path: null, production: true,
  password_saved: true, password_required: false, selected: false, error: null,
};

describe('connection form', () => {
  it('starts a new form on PostgreSQL defaults', () => {
    const f = formFromView(null);
    expect(f.dialect).toBe('postgresql');
    expect(f.port).toBe('5432');
    expect(defaultPort('mysql')).toBe(3306);
    expect(defaultPort('sqlite')).toBeNull();
  });

  it('never fills in a password', () => {
    expect(formFromView(view).password).toBe('');
  });

  it('says what is missing', () => {
    expect(validateForm(formFromView(null))).toEqual(['Give the connection a name.', 'Enter the database name.']);
    expect(validateForm({ ...formFromView(view), port: 'abc' })).toEqual(['The port is a number, e.g. 5432.']);
    expect(validateForm({ ...formFromView(view), port: '70000' })).toEqual(['The port is at most 65535.']);
    expect(validateForm({ ...formFromView(null), name: 'x', dialect: 'sqlite' })).toEqual(['Choose a SQLite file, or create a new one.']);
    expect(validateForm(formFromView(view))).toEqual([]);
  });

  it('builds the save_connection input', () => {
    const f = { ...formFromView(view), password: 'pw' };
    expect(connectionInput(f, 'saved-1', true)).toEqual({
      id: 'saved-1', name: 'staging', dialect: 'postgresql', host: 'db', port: 5432, database: 'app', user: 'deploy',
      password: 'pw', sqlite_path: null, production: true,
    });
  });

  it('keeps a saved password when the field is empty, and sends none without a keychain', () => {
    expect(connectionInput(formFromView(view), 'saved-1', true).password).toBeNull();
    expect(connectionInput({ ...formFromView(view), password: 'pw' }, 'saved-1', false).password).toBeNull();
  });

  it('sends only the file for SQLite', () => {
    const f = { ...formFromView(view), dialect: 'sqlite' as const, sqlite_path: ' /tmp/a.db ', password: 'x' };
    expect(connectionInput(f, null, true)).toMatchObject({ host: null, port: null, database: null, user: null, password: null, sqlite_path: '/tmp/a.db' });
  });
});

describe('connectionLabel', () => {
  it('names a saved connection as the user did', () => {
    expect(connectionLabel(view)).toEqual({ name: 'staging', via: null });
  });
  it('names DATABASE_URL and the project URL by their database', () => {
    const env: ConnectionView = { ...view, id: 'env', name: 'DATABASE_URL', source: 'env', database: 'shop_dev' };
    expect(connectionLabel(env)).toEqual({ name: 'shop_dev', via: 'DATABASE_URL' });
    const project: ConnectionView = { ...view, id: 'project', name: 'Project default', source: 'project', dialect: 'sqlite', database: 'nexus.db' };
    expect(connectionLabel(project)).toEqual({ name: 'nexus.db', via: 'Project default' });
  });
  it('does not repeat a name that already is the database', () => {
    const env: ConnectionView = { ...view, id: 'project', name: 'nexus.db', source: 'project', database: 'nexus.db' };
    expect(connectionLabel(env)).toEqual({ name: 'nexus.db', via: null });
  });
  it('falls back to the source when the URL names no database', () => {
    const env: ConnectionView = { ...view, id: 'env', name: 'DATABASE_URL', source: 'env', database: null };
    expect(connectionLabel(env)).toEqual({ name: 'DATABASE_URL', via: null });
  });
});

import { describe, expect, it } from 'vitest';
import { commandForKey, isTextField, SHORTCUTS } from './shortcuts';

describe('commandForKey', () => {
  it('maps the common actions', () => {
    expect(commandForKey({ key: 'u' })).toBe('upgrade_head');
    expect(commandForKey({ key: 'U', shiftKey: false })).toBe('upgrade_head');
    expect(commandForKey({ key: 'n' })).toBe('upgrade_next');
    expect(commandForKey({ key: 'd' })).toBe('downgrade_prev');
    expect(commandForKey({ key: 'B', shiftKey: true })).toBe('downgrade_base');
    expect(commandForKey({ key: 's' })).toBe('show_sql');
    expect(commandForKey({ key: '/' })).toBe('filter');
    expect(commandForKey({ key: '?', shiftKey: true })).toBe('help');
    expect(commandForKey({ key: 'Escape' })).toBe('close');
    expect(commandForKey({ key: 'j' })).toBe('select_next');
    expect(commandForKey({ key: 'ArrowUp' })).toBe('select_prev');
    expect(commandForKey({ key: 'g' })).toBe('select_current');
    expect(commandForKey({ key: 'o', ctrlKey: true })).toBe('open_project');
    expect(commandForKey({ key: 'R', shiftKey: true })).toBe('reload_project');
  });

  it('uses Shift for the selected revision', () => {
    expect(commandForKey({ key: 'U', shiftKey: true })).toBe('upgrade_to_selected');
    expect(commandForKey({ key: 'D', shiftKey: true })).toBe('downgrade_to_selected');
    expect(commandForKey({ key: 'S', shiftKey: true })).toBe('stamp_selected');
  });

  it('leaves typing and browser shortcuts alone', () => {
    expect(commandForKey({ key: 'u' }, true)).toBeNull();
    expect(commandForKey({ key: '/' }, true)).toBeNull();
    expect(commandForKey({ key: 'Escape' }, true)).toBe('close');
    expect(commandForKey({ key: 'u', ctrlKey: true })).toBeNull();
    expect(commandForKey({ key: 'd', metaKey: true })).toBeNull();
    expect(commandForKey({ key: 'u', altKey: true })).toBeNull();
    expect(commandForKey({ key: 'x' })).toBeNull();
    expect(commandForKey({ key: 'F5' })).toBeNull();
  });

  it('only closes while a dialog is open', () => {
    expect(commandForKey({ key: 'u' }, false, true)).toBeNull();
    expect(commandForKey({ key: 'Escape' }, false, true)).toBe('close');
  });

  it('lists every command in the help', () => {
    const listed = new Set(SHORTCUTS.map((s) => s.command));
    const keys = ['u', 'n', 'd', 's', '/', '?', 'Escape', 'j', 'k', 'g', 'a', 'r'];
    for (const key of keys) expect(listed.has(commandForKey({ key })!)).toBe(true);
    for (const key of ['B', 'U', 'D', 'S', 'R']) expect(listed.has(commandForKey({ key, shiftKey: true })!)).toBe(true);
    expect(listed.size).toBe(SHORTCUTS.length);
  });
});

describe('isTextField', () => {
  const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, ...extra }) as unknown as EventTarget;
  it('knows fields that take text', () => {
    expect(isTextField(el('INPUT', { type: 'text' }))).toBe(true);
    expect(isTextField(el('INPUT', { type: 'search' }))).toBe(true);
    expect(isTextField(el('TEXTAREA'))).toBe(true);
    expect(isTextField(el('DIV', { isContentEditable: true }))).toBe(true);
  });
  it('and those that do not', () => {
    expect(isTextField(el('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isTextField(el('BUTTON'))).toBe(false);
    expect(isTextField(el('DIV'))).toBe(false);
    expect(isTextField(null)).toBe(false);
  });
});

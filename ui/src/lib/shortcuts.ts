// Keyboard shortcuts: one table for the handler and the help popover.

export type Command =
  | 'upgrade_head'
  | 'upgrade_next'
  | 'downgrade_prev'
  | 'downgrade_base'
  | 'show_sql'
  | 'upgrade_to_selected'
  | 'downgrade_to_selected'
  | 'stamp_selected'
  | 'filter'
  | 'select_next'
  | 'select_prev'
  | 'select_current'
  | 'toggle_activity'
  | 'refresh'
  | 'reload_project'
  | 'open_project'
  | 'help'
  | 'close';

export interface Shortcut {
  /** As shown in the help popover. */
  keys: string;
  command: Command;
  label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'U', command: 'upgrade_head', label: 'Upgrade to head' },
  { keys: 'N', command: 'upgrade_next', label: 'Upgrade +1 (next revision)' },
  { keys: 'D', command: 'downgrade_prev', label: 'Downgrade -1' },
  { keys: 'Shift+B', command: 'downgrade_base', label: 'Downgrade to base' },
  { keys: 'S', command: 'show_sql', label: 'Show SQL of upgrade to head (nothing runs)' },
  { keys: 'Shift+U', command: 'upgrade_to_selected', label: 'Upgrade to the selected revision' },
  { keys: 'Shift+D', command: 'downgrade_to_selected', label: 'Downgrade to the selected revision' },
  { keys: 'Shift+S', command: 'stamp_selected', label: 'Stamp the selected revision' },
  { keys: '/', command: 'filter', label: 'Filter revisions' },
  { keys: 'J / ↓', command: 'select_next', label: 'Select the next (older) revision' },
  { keys: 'K / ↑', command: 'select_prev', label: 'Select the previous (newer) revision' },
  { keys: 'G', command: 'select_current', label: 'Go to the database’s position' },
  { keys: 'A', command: 'toggle_activity', label: 'Timeline / activity log' },
  { keys: 'R', command: 'refresh', label: 'Re-read the database’s position' },
  { keys: 'Shift+R', command: 'reload_project', label: 'Re-read the project’s revision scripts' },
  { keys: 'Ctrl+O', command: 'open_project', label: 'Open a project folder' },
  { keys: '?', command: 'help', label: 'Show this help' },
  { keys: 'Esc', command: 'close', label: 'Close the dialog or popover' },
];

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
}

/**
 * The command a key press means, or null. While typing in a text field only Esc counts.
 * `dialogOpen`: only Esc counts either (a dialog has its own buttons).
 */
export function commandForKey(e: KeyLike, inTextField = false, dialogOpen = false): Command | null {
  if (e.key === 'Escape') return 'close';
  if (inTextField || dialogOpen) return null;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey && e.key.toLowerCase() === 'o') return 'open_project';
  if (mod || e.altKey) return null;
  switch (e.key) {
    case '/':
      return 'filter';
    case '?':
      return 'help';
    case 'ArrowDown':
      return 'select_next';
    case 'ArrowUp':
      return 'select_prev';
  }
  const k = e.key.length === 1 ? e.key.toLowerCase() : '';
  if (e.shiftKey) {
    switch (k) {
      case 'b':
        return 'downgrade_base';
      case 'u':
        return 'upgrade_to_selected';
      case 'd':
        return 'downgrade_to_selected';
      case 's':
        return 'stamp_selected';
      case 'r':
        return 'reload_project';
    }
    return null;
  }
  switch (k) {
    case 'u':
      return 'upgrade_head';
    case 'n':
      return 'upgrade_next';
    case 'd':
      return 'downgrade_prev';
    case 's':
      return 'show_sql';
    case 'j':
      return 'select_next';
    case 'k':
      return 'select_prev';
    case 'g':
      return 'select_current';
    case 'a':
      return 'toggle_activity';
    case 'r':
      return 'refresh';
  }
  return null;
}

/** True when the key press happens in a place that takes text. */
export function isTextField(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit'].includes(type);
  }
  return el.isContentEditable === true;
}

// Tiny DOM helpers used as Svelte actions.

/** `use:autofocus`: focus the element once it is in the document. */
export function autofocus(node: HTMLElement) {
  queueMicrotask(() => node.focus());
}

// When the project has several heads, `upgrade head` is ambiguous: explain and offer targets.
import type { RevisionInfo } from '../api';

export interface HeadChoice {
  /** The argument to upgrade to. */
  target: string;
  label: string;
  description: string;
}

export interface HeadsExplanation {
  ambiguous: boolean;
  heads: string[];
  text: string;
  choices: HeadChoice[];
}

type Node = Pick<RevisionInfo, 'revision' | 'down_revisions' | 'branch_labels' | 'children' | 'is_head' | 'message'>;

/**
 * The branch label that names a head's branch: the first label found walking down from the head
 * through first parents, stopping at a revision shared with another branch.
 */
export function branchLabelOf(head: string, byId: ReadonlyMap<string, Node>): string | null {
  let id: string | undefined = head;
  const seen = new Set<string>();
  while (id && !seen.has(id)) {
    seen.add(id);
    const n = byId.get(id);
    if (!n) return null;
    if (id !== head && n.children.length > 1) return null;
    if (n.branch_labels.length > 0) return n.branch_labels[0];
    if (n.down_revisions.length !== 1) return null;
    id = n.down_revisions[0];
  }
  return null;
}

export function explainHeads(revisions: readonly Node[]): HeadsExplanation {
  const heads = revisions.filter((r) => r.is_head);
  if (heads.length <= 1) {
    return { ambiguous: false, heads: heads.map((h) => h.revision), text: '', choices: [] };
  }
  const byId = new Map(revisions.map((r) => [r.revision, r] as const));
  const choices: HeadChoice[] = [
    {
      target: 'heads',
      label: 'Upgrade all heads',
      description: `Bring every branch to its head (${heads.length} branches stay separate until a merge revision joins them).`,
    },
  ];
  for (const h of heads) {
    const label = branchLabelOf(h.revision, byId);
    choices.push(
      label
        ? {
            target: `${label}@head`,
            label: `${label}@head`,
            description: `Only the “${label}” branch, up to ${h.revision.slice(0, 12)} (${h.message}).`,
          }
        : {
            target: h.revision,
            label: h.revision.slice(0, 12),
            description: `Only up to this head: ${h.message}. Its branch has no label; give it one to use label@head.`,
          },
    );
  }
  const text =
    `This project has ${heads.length} heads: the history splits into branches that no merge revision joins again, ` +
    `so “head” does not name one revision. Choose what to upgrade to, or create a merge revision ` +
    `(retort merge heads) to join them.`;
  return { ambiguous: true, heads: heads.map((h) => h.revision), text, choices };
}

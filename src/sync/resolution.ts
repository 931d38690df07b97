// Which resolution to send when a transition screen requires one (issue #11 "Status"): the
// destination's setting when it has one, else Jira's "Done" resolution, else the first one the
// transition offers. Pure: the caller passes what the transition screen offers
// (GET /issue/{key}/transitions?expand=transitions.fields, `fields.resolution.allowedValues`).
import type { FieldFill, TransitionField } from './transition-path.js';

export interface ResolutionOption {
  id: string;
  name: string;
}

export type ResolutionChoice =
  | { ok: true; resolution: ResolutionOption; source: 'setting' | 'done' | 'first' }
  | { ok: false; reason: string };

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The resolution to fill. `setting` names a resolution by id or name (case-insensitive); when it is
 * set but the transition does not offer it, that is an error (the admin chose it on purpose: we do
 * not silently close with another one).
 */
export function chooseResolution(offered: readonly ResolutionOption[], setting?: string | null): ResolutionChoice {
  if (setting && setting.trim().length > 0) {
    const hit = offered.find((r) => r.id === setting.trim()) ?? offered.find((r) => same(r.name, setting));
    if (hit) return { ok: true, resolution: hit, source: 'setting' };
    const names = offered.map((r) => `"${r.name}"`).join(', ') || 'none';
    return { ok: false, reason: `the resolution "${setting.trim()}" set on the destination is not offered by this transition (offered: ${names})` };
  }
  const done = offered.find((r) => same(r.name, 'Done'));
  if (done) return { ok: true, resolution: done, source: 'done' };
  const first = offered[0];
  if (first) return { ok: true, resolution: first, source: 'first' };
  return { ok: false, reason: 'the transition requires a resolution but offers none' };
}

/**
 * The `fill` for planTransitionPath: a required resolution is filled by `chooseResolution` from
 * what the screen offers (`{ id }`, as Jira's transition body expects); any other required field
 * cannot be filled by alertsync.
 */
export function fillWithResolution(setting?: string | null): (field: TransitionField) => FieldFill {
  return (field) => {
    if (field.fieldId !== 'resolution') return { ok: false, reason: 'alertsync fills only the resolution on a transition screen' };
    const choice = chooseResolution(field.allowedValues ?? [], setting);
    return choice.ok ? { ok: true, value: { id: choice.resolution.id } } : { ok: false, reason: choice.reason };
  };
}

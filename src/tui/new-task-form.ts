import { editText, parseVars } from './text-edit.js';
import type { AppState, Effect, Overlay, ToolChoice } from './app-state.js';

export type NewTaskForm = Extract<Overlay, { kind: 'new-task' }>;

interface Step {
  state: AppState;
  effects: Effect[];
}

export function openForm(tools: ToolChoice[]): NewTaskForm {
  return { kind: 'new-task', step: 'tool', tools, index: 0, prompt: '', vars: '', pending: false, error: null };
}

/**
 * A key in the new-task form. Submitting keeps the form open until the daemon answers
 * (`submitted` / `submitFailed`), so a rejection does not cost the user what they typed.
 */
export function onNewTaskKey(state: AppState, form: NewTaskForm, name: string, ch: string | undefined): Step {
  const close = { ...state, overlay: null };
  const set = (next: NewTaskForm): Step => ({ state: { ...state, overlay: next }, effects: [] });
  // While the daemon decides, only Esc (give up waiting) does anything: a second Enter would submit twice.
  if (form.pending) return name === 'escape' ? { state: close, effects: [] } : { state, effects: [] };
  if (form.step === 'tool') {
    if (name === 'escape' || ch === 'q') return { state: close, effects: [] };
    if (name === 'down' || ch === 'j' || name === 'up' || ch === 'k') {
      const delta = name === 'down' || ch === 'j' ? 1 : -1;
      return set({ ...form, index: Math.min(Math.max(0, form.index + delta), form.tools.length - 1) });
    }
    // A tool with no {prompt} in its templates would drop what was typed: it is not asked for.
    if (name === 'enter') return set({ ...form, step: asksPrompt(form) ? 'prompt' : 'vars', cursor: undefined });
    return { state, effects: [] };
  }
  // Between the fields: the cursor goes to the end of the one entered.
  if (form.step === 'prompt' && (name === 'down' || name === 'tab')) return set({ ...form, step: 'vars', cursor: undefined });
  if (form.step === 'vars' && (name === 'up' || name === 'S-tab') && asksPrompt(form)) return set({ ...form, step: 'prompt', cursor: undefined });
  const field = form.step === 'prompt' ? form.prompt : form.vars;
  const r = editText(field, name, ch, form.cursor);
  if (r.kind === 'cancel') return { state: close, effects: [] };
  if (r.kind === 'text') return set(form.step === 'prompt' ? { ...form, prompt: r.value, cursor: r.cursor } : { ...form, vars: r.value, cursor: r.cursor });
  if (form.step === 'prompt') return set({ ...form, step: 'vars', cursor: undefined });
  const vars = parseVars(form.vars);
  if (typeof vars === 'string') return set({ ...form, error: vars });
  const tool = form.tools[form.index]!;
  return { state: { ...state, overlay: { ...form, pending: true, error: null } }, effects: [{ type: 'submit', tool: tool.name, prompt: asksPrompt(form) ? form.prompt || null : null, set: vars }] };
}

/** Whether the chosen tool takes a prompt (a tool list without the answer: it does, as before). */
export function asksPrompt(form: NewTaskForm): boolean {
  return form.tools[form.index]?.usesPrompt !== false;
}

/** The daemon accepted the task: the form's work is done, the new task is selected. */
export function submitted(state: AppState, run_id: string, task_id: string): AppState {
  const overlay = state.overlay?.kind === 'new-task' ? null : state.overlay;
  return { ...state, overlay, selected: `task:${task_id}`, message: `started ${task_id} in ${run_id}` };
}

/** The daemon refused the task: the error goes into the form, still filled in, or to the status line if the form was closed. */
export function submitFailed(state: AppState, error: string): AppState {
  const form = state.overlay;
  if (form?.kind === 'new-task' && form.pending) return { ...state, overlay: { ...form, pending: false, error } };
  return { ...state, message: error };
}

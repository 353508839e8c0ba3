import { helpLines, keysLabel, paletteMatches, type CommandSpec } from '../key-map.js';
import type { Overlay } from '../app-state.js';
import { bold, inverse, text } from './style.js';

export interface OverlayContent {
  title: string;
  lines: string[];
}

/** What an overlay shows; the batch log view's lines come from the caller (they are read from disk). */
export function overlayContent(overlay: Overlay, keyMap: readonly CommandSpec[], logLines: () => string[]): OverlayContent {
  switch (overlay.kind) {
    case 'help':
      return { title: 'keys (any key closes)', lines: helpLines(keyMap).map((l) => text(l)) };
    case 'palette': {
      const matches = paletteMatches(keyMap, overlay.query);
      return {
        title: 'command palette (type to filter, ↑↓, Enter runs, Esc closes)',
        lines: [`: ${text(overlay.query)}█`, '', ...matches.map((m, i) => {
          const line = `${m.id.padEnd(14)} ${keysLabel(m).padEnd(10)} ${m.title}`;
          return i === overlay.index ? inverse(text(line)) : text(line);
        })],
      };
    }
    case 'confirm':
      return { title: 'confirm', lines: [text(overlay.question), '', bold('y') + ' yes    any other key: no'] };
    case 'filter':
      return { title: 'filter (Enter keeps, Esc clears)', lines: [`/ ${text(overlay.draft)}█`] };
    case 'log':
      return { title: `output of ${overlay.task_id} (any key closes)`, lines: logLines() };
    case 'new-task': {
      const tool = overlay.tools[overlay.index];
      if (overlay.step === 'tool')
        return {
          title: 'new task: pick a tool (↑↓ or j/k, Enter, Esc cancels)',
          lines: overlay.tools.map((t, i) => {
            const line = `${t.name.padEnd(20)} ${t.mode.padEnd(11)} ${t.description}`;
            return i === overlay.index ? inverse(text(line)) : text(line);
          }),
        };
      const vars = tool?.placeholders.length ? `variables it uses: ${tool.placeholders.join(' ')}` : 'no variables needed';
      return {
        title: `new task: ${tool?.name ?? ''} (Enter next, Esc cancels)`,
        lines: [
          `prompt:    ${text(overlay.prompt)}${overlay.step === 'prompt' ? '█' : ''}`,
          overlay.step === 'vars' ? `variables: ${text(overlay.vars)}█` : '',
          '',
          text(overlay.step === 'vars' ? `KEY=VALUE KEY2="two words"; ${vars}` : 'type the prompt, Enter for the variables'),
        ],
      };
    }
  }
}

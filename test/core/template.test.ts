import { describe, expect, it } from 'vitest';
import { expand, placeholdersOf } from '../../src/core/template.js';

describe('templates', () => {
  it('lists {placeholders} but not ${ENV} references or escaped braces', () => {
    expect(placeholdersOf('{a}-{b_2} ${HOME} {{c}} {}')).toEqual(['a', 'b_2']);
  });

  it('substitutes values as text, once: a value holding {x} or ${X} is not expanded again', () => {
    const r = expand('[{prompt}]', { prompt: '{model} ${HOME} "q" \'s\' $x\nnext', model: 'M' }, { HOME: '/h' });
    expect(r).toEqual({ ok: true, value: '[{model} ${HOME} "q" \'s\' $x\nnext]' });
  });

  it('expands ${NAME} from the environment given (unset is empty), and leaves it alone without one', () => {
    expect(expand('${HOME}/x-${NOPE}', {}, { HOME: '/h' })).toEqual({ ok: true, value: '/h/x-' });
    expect(expand('${HOME}/{a}', { a: '1' })).toEqual({ ok: true, value: '${HOME}/1' });
  });

  it('an env value holding braces is not taken for a placeholder', () => {
    expect(expand('${PS}', {}, { PS: '{weird}' })).toEqual({ ok: true, value: '{weird}' });
  });

  it('{{ and }} are literal braces', () => {
    expect(expand('{{json}} {{{a}}}', { a: 'v' })).toEqual({ ok: true, value: '{json} {v}' });
  });

  it('reports the first placeholder without a value', () => {
    expect(expand('{a} {b} {c}', { a: '1' })).toEqual({ ok: false, missing: 'b' });
  });
});

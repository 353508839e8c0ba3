import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadToolsFile, parseToolsText } from '../../src/config/load-tools.js';

/** The ConfigError a text produces, as `line:col message`. */
function errorOf(text: string): string {
  try {
    parseToolsText(text, 'tools.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.message).toBe(`tools.yaml:${e.line}:${e.col} ${e.detail}`);
    return `${e.line}:${e.col} ${e.detail}`;
  }
  throw new Error('expected a ConfigError');
}

/** The ConfigError a text produces, with every problem it found. */
function errorsOf(text: string): ConfigError {
  try {
    parseToolsText(text, 'tools.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('tools.yaml loading', () => {
  it('accepts a full file, with ${NAME} env references and declared vars', () => {
    const config = parseToolsText(
      [
        'version: 1',
        'defaults: {max_parallel: 2, kill_grace_sec: 0.5}',
        'vars: {model: m, n: 3, flag: true, required: null}',
        'secrets: [MY_VALUE]',
        'tools:',
        '  t:',
        '    cmd: ["echo", "{model}", "{prompt}", "{{literal}}"]',
        '    env: {HOME_COPY: "${HOME}", M: "{model}"}',
        '    cwd: "{workspace}/sub"',
        '    stdin: "{prompt}"',
        '    timeout_sec: 1.5',
        '    max_parallel: 1',
        '    checkpoint: after',
      ].join('\n'),
      'tools.yaml',
    );
    expect(config.defaults).toEqual({ max_parallel: 2, kill_grace_sec: 0.5, scrollback: 10_000 });
    expect(config.tools.t!.mode).toBe('batch');
    expect(config.secrets).toEqual(['MY_VALUE']);
  });

  it('unknown key: names the key, points at its line', () => {
    expect(errorOf('version: 1\ntools:\n  t:\n    cmd: [x]\n    timout_sec: 3\n')).toBe("5:5 tools.t.timout_sec: unknown key 'timout_sec'");
    expect(errorOf('version: 1\nbogus: 1\n')).toBe("2:1 bogus: unknown key 'bogus'");
  });

  it('wrong type: names the path, what was expected and what was found', () => {
    expect(errorOf('version: 1\ntools:\n  t:\n    cmd: "echo hi"\n')).toBe('4:10 tools.t.cmd: expected array, got string');
    expect(errorOf('version: 1\ndefaults:\n  max_parallel: many\n')).toBe('3:17 defaults.max_parallel: expected number, got string');
    expect(errorOf('version: 1\ntools:\n  t:\n    cmd: [x]\n    mode: pty\n')).toMatch(/^5:11 tools\.t\.mode: expected one of "batch", "interactive"$/);
    expect(errorOf('version: 2\n')).toMatch(/^1:10 version: expected one of 1$/);
    expect(errorOf('version: 1\ntools:\n  t:\n    cmd: [true]\n')).toBe('4:11 tools.t.cmd.0: expected string, got boolean');
  });

  it('a number that is not finite (.inf, .nan, 1e400) is refused and named', () => {
    expect(errorOf('version: 1\ntools:\n  t:\n    cmd: [x]\n    timeout_sec: .inf\n')).toBe('5:18 tools.t.timeout_sec: expected number, got Infinity');
    expect(errorOf('version: 1\ntools:\n  t:\n    cmd: [x]\n    idle_timeout_sec: .nan\n')).toBe('5:23 tools.t.idle_timeout_sec: expected number, got NaN');
    expect(errorOf('version: 1\ndefaults:\n  kill_grace_sec: 1e400\n')).toBe('3:19 defaults.kill_grace_sec: expected number, got Infinity');
  });

  it('missing required key: says so', () => {
    expect(errorOf('version: 1\ntools:\n  t:\n    mode: batch\n')).toMatch(/^3:3 tools\.t\.cmd: required/);
  });

  it('unknown placeholder: names it, its place, and what is known', () => {
    const msg = errorOf('version: 1\nvars: {model: m}\ntools:\n  t:\n    cmd: ["x", "{modle}"]\n');
    expect(msg).toMatch(/^5:16 tools\.t\.cmd\.1: unknown placeholder '\{modle\}' \(declare it under vars:/);
    expect(errorOf('version: 1\ntools:\n  t:\n    cmd: [x]\n    env: {A: "{nope}"}\n')).toMatch(/^5:14 tools\.t\.env\.A: unknown placeholder '\{nope\}'/);
    expect(errorOf('version: 1\ntools:\n  t:\n    cmd: [x]\n    stdin: "{nope}"\n')).toMatch(/^5:12 tools\.t\.stdin: unknown placeholder/);
  });

  it('YAML syntax errors and duplicate keys: line and column, one line', () => {
    const syntax = errorOf('version: 1\ntools:\n  t:\n    cmd: [x, y\n  u: 1\n');
    expect(syntax).toMatch(/^\d+:\d+ YAML: /);
    expect(syntax).not.toContain('\n');
    expect(errorOf('version: 1\nversion: 1\n')).toMatch(/^2:1 YAML: .*[Uu]nique/);
  });

  it('an empty file is version-less; a file that is not a map says what it got', () => {
    expect(errorOf('')).toMatch(/^1:1 version: required/);
    expect(errorOf('- a\n- b\n')).toMatch(/^1:1 \(top\): expected object, got array/);
  });

  it('every problem the schema finds, in file order: the first carries the rest, its message counts them', () => {
    const text = [
      'version: 1',
      'tools:',
      '  t1:',
      '    cmd: [x]',
      '    colour: red',
      'defaults:',
      '  max_parallel: 2',
      '  bogus_default: 1',
      '  other: 2',
    ].join('\n');
    const err = errorsOf(text);
    expect(err.all.map((e) => `${e.line}:${e.col} ${e.detail}`)).toEqual([
      "5:5 tools.t1.colour: unknown key 'colour'",
      "8:3 defaults.bogus_default: unknown key 'bogus_default'",
      "9:3 defaults.other: unknown key 'other'",
    ]);
    expect(err.message).toBe("tools.yaml:5:5 tools.t1.colour: unknown key 'colour' (and 2 more: lacp validate)");
    expect(err.all.every((e) => e.more.length === 0 && !e.message.includes('more'))).toBe(true);
  });

  it('every unknown placeholder, and every YAML error, not only the first', () => {
    const placeholders = errorsOf('version: 1\ntools:\n  t:\n    cmd: ["{a}", "{b}{c}"]\n    stdin: "{d}"\n').all;
    expect(placeholders.map((e) => `${e.line}:${e.col} ${e.detail.split(' (')[0]}`)).toEqual([
      "4:11 tools.t.cmd.0: unknown placeholder '{a}'",
      "4:18 tools.t.cmd.1: unknown placeholder '{b}'",
      "4:18 tools.t.cmd.1: unknown placeholder '{c}'",
      "5:12 tools.t.stdin: unknown placeholder '{d}'",
    ]);
    const dup = errorsOf('version: 1\nversion: 1\ntools: {}\ntools: {}\n').all;
    expect(dup.map((e) => e.line)).toEqual([2, 4]);
    expect(dup.every((e) => /^YAML: .*[Uu]nique/.test(e.detail))).toBe(true);
  });

  it('an invalid tool or var name: at the name itself, saying what a name may contain', () => {
    expect(errorOf('version: 1\ntools:\n  ok:\n    cmd: [x]\n  "bad name!":\n    cmd: [x]\n')).toBe(
      "5:3 tools: invalid name 'bad name!' (a tool name may contain only letters, digits and _ . -)",
    );
    expect(errorOf('version: 1\nvars:\n  9lives: 1\n')).toBe(
      "3:3 vars: invalid name '9lives' (a var name may contain only letters, digits and _, and may not start with a digit)",
    );
  });

  describe('files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lacp-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a missing tools.yaml gives the built-in tools; validate demands the file', () => {
      const loaded = loadToolsFile(join(dir, 'absent.yaml'));
      expect(loaded.file).toBeNull();
      expect(Object.keys(loaded.tools).sort()).toEqual(['sh', 'shell']);
      expect(() => loadToolsFile(join(dir, 'absent.yaml'), { mustExist: true })).toThrow(/absent\.yaml:1:1 no such file$/);
    });

    it('an unchanged file is not parsed again; an edit is seen at the next load, errors included', () => {
      const file = join(dir, 'cached.yaml');
      writeFileSync(file, 'version: 1\ntools:\n  a:\n    cmd: [x]\n');
      const first = loadToolsFile(file);
      expect(loadToolsFile(file)).toBe(first);
      writeFileSync(file, 'version: 1\ntools:\n  a:\n    cmd: [x]\n  bb:\n    cmd: [y]\n');
      expect(Object.keys(loadToolsFile(file).config.tools)).toEqual(['a', 'bb']);
      writeFileSync(file, 'version: 1\ntools:\n  a:\n    cmdd: [x]\n');
      expect(() => loadToolsFile(file)).toThrow(/cached\.yaml:\d+:\d+ tools\.a\./);
      expect(() => loadToolsFile(file)).toThrow(/cached\.yaml:\d+:\d+ tools\.a\./);
      writeFileSync(file, 'version: 1\n');
      expect(loadToolsFile(file).config.tools).toEqual({});
    });

    it('declared tools merge over the built-ins, and a declared tool of the same name wins', () => {
      const file = join(dir, 'tools.yaml');
      writeFileSync(file, 'version: 1\ntools:\n  sh:\n    cmd: [bash, -c, "{prompt}"]\n  mine:\n    cmd: ["true"]\n');
      const loaded = loadToolsFile(file);
      expect(loaded.tools.sh!.cmd[0]).toBe('bash');
      expect(Object.keys(loaded.tools).sort()).toEqual(['mine', 'sh', 'shell']);
    });
  });
});

#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.js in name order, each in its own process,
// then prints one summary of their figures. A bench reports a figure by printing a line
// `BENCH_RESULT {"name":..., "value":..., "unit":..., "goal":..., "met":true|false|null}`;
// everything else it prints is passed through. A missed goal is reported, never fatal.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULT_PREFIX = 'BENCH_RESULT ';
const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2]; // optional: a substring of the bench files to run
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js') && (!only || f.includes(only)))
  .sort();

function runOne(file) {
  return new Promise((resolve) => {
    const results = [];
    const child = spawn(process.execPath, [join(here, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        if (line.startsWith(RESULT_PREFIX)) results.push(JSON.parse(line.slice(RESULT_PREFIX.length)));
        else process.stdout.write(`  ${line}\n`);
      }
    });
    child.on('exit', (code, signal) => resolve({ file, code, signal, results }));
  });
}

const summary = [];
for (const file of files) {
  console.log(`== ${file}`);
  const started = Date.now();
  const outcome = await runOne(file);
  console.log(`   (${((Date.now() - started) / 1000).toFixed(1)} s${outcome.code ? `, exited ${outcome.code ?? outcome.signal}` : ''})`);
  summary.push(outcome);
}

console.log('\n== summary');
let missed = 0;
for (const { file, code, signal, results } of summary) {
  if (code !== 0) console.log(`${file}: FAILED TO RUN (exit ${code ?? signal})`);
  else if (results.length === 0) console.log(`${file}: no BENCH_RESULT figures (see its output above)`);
  for (const r of results) {
    const verdict = r.met === true ? 'ok' : r.met === false ? 'GOAL MISSED' : '';
    if (r.met === false) missed++;
    console.log(`${r.name.padEnd(52)} ${String(r.value).padStart(12)} ${(r.unit ?? '').padEnd(10)} ${r.goal ? `goal ${r.goal}` : ''} ${verdict}`.trimEnd());
  }
}
console.log(missed ? `\n${missed} goal(s) missed (the bench never fails on a miss)` : '\nall goals met');

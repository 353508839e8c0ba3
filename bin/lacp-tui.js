#!/usr/bin/env node
import { runTui } from '../dist/tui/main.js';

runTui(process.argv.slice(2)).then((code) => process.exit(code));

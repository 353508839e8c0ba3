// The addon's ES module build, imported by path: importing its CommonJS main from ESM makes
// Node scan 52 KB of source first (~70 ms on every lacp command that prints a listing).
declare module '@xterm/addon-unicode11/lib/addon-unicode11.mjs' {
  export { Unicode11Addon } from '@xterm/addon-unicode11';
}

/**
 * Follows a terminal stream just far enough to know whether the parser is in its ground
 * state (between escape sequences) after each piece, and whether a scroll region was
 * ever set. Skipping plain text (scrolled-off.ts) is only safe from the ground state: a
 * sequence split across two reads would otherwise swallow the text that follows it.
 * The states are the VT500 parser's (vt100.net/emu/dec_ansi_parser), folded to what
 * matters here; C1 controls count as their ESC forms, as in xterm.js.
 */
type State = 'ground' | 'escape' | 'csi' | 'osc' | 'string';

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
/** ESC, and the C1 controls that open a sequence (DCS, SOS, CSI, OSC, PM, APC). */
const OPENER = /[\x1b\x90\x98\x9b\x9d\x9e\x9f]/g;

export class EscapeStateTracker {
  private state: State = 'ground';
  /** The CSI in progress has a private marker (`?`, `>`...): not DECSTBM whatever its final. */
  private csiPrivate = false;
  private csiParams = '';
  private region = false;

  /** Between sequences: text fed next starts fresh. */
  get ground(): boolean {
    return this.state === 'ground';
  }

  /**
   * A scroll region other than the whole screen was set at some point (DECSTBM). Kept
   * once seen: which screen it belongs to and when it ends is xterm's business, and
   * whoever asks here only wants to know when it surely never happened.
   */
  get regionEverSet(): boolean {
    return this.region;
  }

  feed(text: string, rows: number): void {
    let i = 0;
    const n = text.length;
    while (i < n) {
      if (this.state === 'ground') {
        OPENER.lastIndex = i;
        const found = OPENER.exec(text);
        if (!found) return;
        i = found.index;
        this.open(text.charCodeAt(i));
        i++;
        continue;
      }
      const c = text.charCodeAt(i++);
      if (c === CAN || c === SUB) {
        this.state = 'ground';
        continue;
      }
      switch (this.state) {
        case 'escape':
          if (c === ESC) break;
          if (c === 0x5b) this.startCsi(); // [
          else if (c === 0x5d) this.state = 'osc'; // ]
          else if (c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) this.state = 'string'; // P X ^ _
          else if (c >= 0x30 && c <= 0x7e) this.state = 'ground';
          // intermediates (0x20-0x2f) and C0 controls leave the escape open
          break;
        case 'csi':
          if (c === ESC) this.state = 'escape';
          else if (c >= 0x40 && c <= 0x7e) {
            if (c === 0x72 && !this.csiPrivate) this.scrollRegion(rows); // r
            this.state = 'ground';
          } else if (c >= 0x3c && c <= 0x3f) this.csiPrivate = true; // a private marker (or a stray one: ignored)
          else if (c >= 0x30 && c <= 0x3b) this.csiParams += String.fromCharCode(c);
          else if (c >= 0x20 && c <= 0x2f) this.csiPrivate = true; // an intermediate: another command
          break;
        case 'osc':
          if (c === BEL || c === 0x9c) this.state = 'ground';
          else if (c === ESC) this.state = 'escape'; // ESC \ ends it
          break;
        case 'string':
          if (c === 0x9c) this.state = 'ground';
          else if (c === ESC) this.state = 'escape';
          break;
      }
    }
  }

  private open(c: number): void {
    if (c === ESC) this.state = 'escape';
    else if (c === 0x9b) this.startCsi();
    else if (c === 0x9d) this.state = 'osc';
    else this.state = 'string';
  }

  private startCsi(): void {
    this.state = 'csi';
    this.csiPrivate = false;
    this.csiParams = '';
  }

  /** xterm's DECSTBM: top defaults to 1, bottom to the last row; a region that is not one is ignored. */
  private scrollRegion(rows: number): void {
    if (this.csiParams.includes(':')) return void (this.region = true); // sub-parameters: not worth reading
    const [first, second] = this.csiParams.split(';');
    const top = Number(first) || 1;
    const asked = Number(second) || 0;
    const bottom = second === undefined || asked > rows || asked === 0 ? rows : asked;
    if (bottom > top && !(top === 1 && bottom === rows)) this.region = true;
  }
}

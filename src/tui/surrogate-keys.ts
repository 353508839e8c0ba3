/**
 * blessed splits typed input into keypresses with String#split(''), so a character
 * outside the BMP (an emoji) arrives as two keypresses holding one UTF-16 surrogate
 * each; passed on one at a time, each half became U+FFFD (��) in the task. This
 * holds a high surrogate until its low half arrives and hands back the whole char.
 */
export class SurrogateJoiner {
  private high: string | null = null;

  /** The text to act on, or null while the first half of a pair waits for the second. */
  join(ch: string | undefined): string | undefined | null {
    const high = this.high;
    this.high = null;
    if (ch?.length === 1 && isHigh(ch)) {
      this.high = ch;
      return null;
    }
    // A half with no partner is dropped rather than sent on as U+FFFD.
    if (ch?.length === 1 && isLow(ch)) return high ? high + ch : null;
    return ch;
  }
}

const isHigh = (ch: string): boolean => ch >= '\ud800' && ch <= '\udbff';
const isLow = (ch: string): boolean => ch >= '\udc00' && ch <= '\udfff';

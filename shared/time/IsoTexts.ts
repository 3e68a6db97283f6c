/**
 * Epoch times as ISO text and back, each converted once for the life of one instance (one predict run): every site's
 * observations and values share the same few slots, so a run of 10,000 sites converts a few hundred times, not
 * millions.
 */
export class IsoTexts {
  private readonly texts = new Map<number, string>();
  private readonly times = new Map<string, number>();

  /** `new Date(t).toISOString()`. */
  of(t: number): string {
    let text = this.texts.get(t);
    if (text === undefined) {
      text = new Date(t).toISOString();
      this.texts.set(t, text);
    }
    return text;
  }

  /** `Date.parse(text)`. */
  ms(text: string): number {
    let t = this.times.get(text);
    if (t === undefined) {
      t = Date.parse(text);
      this.times.set(text, t);
    }
    return t;
  }
}

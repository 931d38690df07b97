// How deeply a JSON text nests arrays and objects, found by one linear scan of the text before it
// is parsed, so that a hostile body nested thousands of levels deep never reaches JSON.parse, the
// validators or JSON.stringify (each recurses once per level). Brackets inside strings do not count.

/** True when the text nests arrays/objects more than `max` levels deep. */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

// An upper bound of `JSON.stringify(value).length`, without building the string: the issue
// description is measured against Jira's limit for every issue, and stringifying a 1 KB ADF
// document took 10–17 µs on Node 20, a third of building the description. The bound walks the
// value once: a string's every UTF-16 code unit becomes at most 6 characters in JSON (`\uXXXX`),
// plus its quotes; a number at most 25; containers add their brackets, colons and commas.
// Anything JSON.stringify could turn into something else (toJSON, bigint, functions, symbols) has
// no bound here (Infinity): the caller then measures exactly.

/** Never less than `JSON.stringify(value).length`; Infinity when the value is not plain JSON data. */
export function jsonLengthBound(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 2 + 6 * value.length;
    case 'number':
      return 25;
    case 'boolean':
      return 5;
    case 'undefined':
      return 4; // "null" in an array; a property with it is left out (counting it still bounds)
    case 'object': {
      if (value === null) return 4;
      if (Array.isArray(value)) {
        let n = 2;
        for (const item of value) n += jsonLengthBound(item) + 1;
        return n;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return Infinity;
      let n = 2;
      for (const key in value) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        n += 6 * key.length + 4 + jsonLengthBound((value as Record<string, unknown>)[key]);
      }
      return n;
    }
    default:
      return Infinity;
  }
}

/** `JSON.stringify(value).length <= max`, stringifying only when the bound alone cannot tell. */
export function jsonFitsWithin(value: unknown, max: number): boolean {
  return jsonLengthBound(value) <= max || JSON.stringify(value).length <= max;
}

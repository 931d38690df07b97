// Link targets we are willing to emit (ADF link marks and wiki [text|url] links): http and https only.

// Anything that could change how the string is read: whitespace, C0/C1 controls, bidi/zero-width
// format characters. A target containing one is refused rather than "cleaned".
const UNSAFE_CHARS = /[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/u;

/**
 * The normalised form (WHATWG URL `href`) of an absolute http(s) URL, or null for anything else
 * (`javascript:`, `data:`, relative references, URLs with whitespace or control characters, ...).
 */
export function safeHttpUrl(raw: string): string | null {
  if (raw.length === 0 || raw.length > 2048 || UNSAFE_CHARS.test(raw)) return null;
  if (!/^https?:\/\//i.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '') return null;
  return url.href;
}

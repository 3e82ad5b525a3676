// GPT-2's byte-to-unicode table (openai/gpt-2 encoder.py `bytes_to_unicode`): every byte maps to
// a printable code point, so byte-level BPE tokens are ordinary strings ('Ġ' is the space byte).
// Hugging Face's ByteLevel pre-tokenizer and decoder use the same table.

function buildTable(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b); // '!'..'~'
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b); // '¡'..'¬'
  for (let b = 0xae; b <= 0xff; b++) printable.push(b); // '®'..'ÿ'
  const table = new Array<string>(256);
  const isPrintable = new Set(printable);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    // Bytes that are not printable (controls, space, soft hyphen...) shift up past 255.
    table[b] = String.fromCodePoint(isPrintable.has(b) ? b : 256 + next++);
  }
  return table;
}

/** `BYTE_TO_CHAR[b]` is the one-character string that stands for byte `b`. */
export const BYTE_TO_CHAR: readonly string[] = buildTable();

/** The inverse table: char code → byte (every table entry is a single UTF-16 unit). */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** The UTF-8 bytes of `text`, each written as its byte-level character. */
export function toByteLevel(text: string): string {
  let ascii = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return ascii + toByteLevelSlow(text.slice(i));
    ascii += BYTE_TO_CHAR[c]!;
  }
  return ascii;
}

function toByteLevelSlow(text: string): string {
  const bytes = encoder.encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_CHAR[bytes[i]!]!;
  return out;
}

/**
 * The text whose UTF-8 bytes a byte-level string spells. Characters outside the table are kept
 * as their own UTF-8 (Hugging Face's decoder does the same); invalid UTF-8 becomes U+FFFD.
 */
export function fromByteLevel(s: string): string {
  const bytes: number[] = [];
  for (const ch of s) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) bytes.push(b);
    else for (const x of encoder.encode(ch)) bytes.push(x);
  }
  return decoder.decode(Uint8Array.from(bytes));
}

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

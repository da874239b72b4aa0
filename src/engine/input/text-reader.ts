/** A plain list: one identity per line (LF or CRLF), each trimmed, blank lines skipped. */
export function readTextList(text: string): string[] {
  const identities: string[] = [];
  for (const line of text.split('\n')) {
    const value = line.trim();
    if (value !== '') identities.push(value);
  }
  return identities;
}

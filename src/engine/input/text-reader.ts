/** A plain list: one identity per line (LF, CRLF, or CR as old Mac and Excel "CSV (Macintosh)" files end them), each trimmed, blank lines skipped. */
export function readTextList(text: string): string[] {
  const identities: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    const value = line.trim();
    if (value !== '') identities.push(value);
  }
  return identities;
}

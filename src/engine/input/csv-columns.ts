/** Headers that name the identity column, in order of preference (compared case-insensitively). */
export const IDENTITY_COLUMNS: readonly string[] = Object.freeze([
  'okta_id',
  'id',
  'user_id',
  'login',
  'username',
  'email',
  'value',
]);

/** How a header cell is compared with a column name. */
export function columnKey(name: string): string {
  return name.trim().toLowerCase();
}

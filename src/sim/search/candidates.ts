/**
 * Index shortcut for expressions: `id eq`, `profile.login eq`, `profile.email eq` (and and/or of
 * them) narrow the scan to a few users. Returns null when the whole directory must be scanned.
 * The candidates are a superset (lowercase index); the compiled predicate decides.
 */
import type { Directory, UserRecord } from '../users/directory.js';
import type { QueryMode } from './evaluate.js';
import type { Expr } from './parse.js';

export function candidates(expr: Expr, dir: Directory, mode: QueryMode = 'search'): UserRecord[] | null {
  if (expr.kind === 'cmp') {
    if (expr.op !== 'eq' || expr.value === null) return null;
    const lower = expr.value.toLowerCase();
    if (expr.attr === 'id') {
      // Exact hit is the common case; otherwise search (case-insensitive) scans, while filter
      // (values case-sensitive) has no other match.
      const r = dir.get(expr.value);
      return r ? [r] : mode === 'filter' ? [] : null;
    }
    if (expr.attr === 'profile.login') {
      const r = dir.loginLower(lower);
      return r ? [r] : [];
    }
    if (expr.attr === 'profile.email') return [...dir.emailLower(lower)];
    return null;
  }
  const parts = expr.items.map((e) => candidates(e, dir, mode));
  if (expr.kind === 'and') {
    const known = parts.filter((p): p is UserRecord[] => p !== null);
    if (known.length === 0) return null;
    return known.reduce((a, b) => (b.length < a.length ? b : a));
  }
  if (parts.some((p) => p === null)) return null;
  const seen = new Map<number, UserRecord>();
  for (const p of parts) for (const r of p!) seen.set(r.order, r);
  return [...seen.values()];
}

/**
 * Checking a parsed expression against what `search` or `filter` allow, and compiling it to a
 * predicate. `search`: string values case-insensitive, any profile attribute, eq/sw/co/gt/ge/lt/le/pr
 * (co only on firstName, lastName, email, login). `filter`: values case-sensitive, only status,
 * lastUpdated, id, profile.login/email/firstName/lastName, only eq (plus gt/ge/lt/le on lastUpdated).
 * Source: shared/okta-openapi/management-minimal.yaml `listUsers` parameters; reference §3.
 */
import type { SimUser } from '../types.js';
import { SearchSyntaxError, type Expr } from './parse.js';

export type QueryMode = 'search' | 'filter';

const TOP_LEVEL = new Set(['id', 'status', 'created', 'activated', 'statusChanged', 'lastUpdated', 'lastLogin', 'passwordChanged', 'type.id']);
const CO_ALLOWED = new Set(['profile.firstName', 'profile.lastName', 'profile.email', 'profile.login']);
const FILTER_ATTRS = new Set(['status', 'lastUpdated', 'id', 'profile.login', 'profile.email', 'profile.firstName', 'profile.lastName']);

export function validate(expr: Expr, mode: QueryMode): void {
  if (expr.kind !== 'cmp') return expr.items.forEach((e) => validate(e, mode));
  const { attr, op } = expr;
  if (mode === 'filter') {
    if (!FILTER_ATTRS.has(attr)) throw new SearchSyntaxError(`filter does not support ${attr}`);
    if (op !== 'eq' && !(attr === 'lastUpdated' && ['gt', 'ge', 'lt', 'le'].includes(op))) {
      throw new SearchSyntaxError(`filter does not support ${op} on ${attr}`);
    }
    return;
  }
  if (!TOP_LEVEL.has(attr) && !(attr.startsWith('profile.') && attr.length > 8)) throw new SearchSyntaxError(`unknown property ${attr}`);
  if (op === 'co' && !CO_ALLOWED.has(attr)) throw new SearchSyntaxError(`co is not supported on ${attr}`);
}

function getter(attr: string): (u: SimUser) => string | null {
  if (attr === 'type.id') return (u) => u.type.id;
  if (attr.startsWith('profile.')) {
    const key = attr.slice(8);
    return (u) => {
      const v = (u.profile as unknown as Record<string, unknown>)[key];
      return v === undefined || v === null ? null : String(v);
    };
  }
  return (u) => {
    const v = (u as unknown as Record<string, unknown>)[attr];
    return v === undefined || v === null ? null : String(v);
  };
}

export type Predicate = (u: SimUser) => boolean;

export function compile(expr: Expr, mode: QueryMode): Predicate {
  if (expr.kind !== 'cmp') {
    const parts = expr.items.map((e) => compile(e, mode));
    return expr.kind === 'or' ? (u) => parts.some((p) => p(u)) : (u) => parts.every((p) => p(u));
  }
  const get = getter(expr.attr);
  const fold = mode === 'search' ? (s: string) => s.toLowerCase() : (s: string) => s;
  const want = fold(expr.value ?? '');
  switch (expr.op) {
    case 'pr':
      return (u) => {
        const v = get(u);
        return v !== null && v !== '';
      };
    case 'eq':
      return (u) => {
        const v = get(u);
        return v !== null && fold(v) === want;
      };
    case 'sw':
      return (u) => {
        const v = get(u);
        return v !== null && fold(v).startsWith(want);
      };
    case 'co':
      return (u) => {
        const v = get(u);
        return v !== null && fold(v).includes(want);
      };
    default: {
      const cmp = expr.op;
      return (u) => {
        const v = get(u);
        if (v === null) return false;
        const a = fold(v);
        return cmp === 'gt' ? a > want : cmp === 'ge' ? a >= want : cmp === 'lt' ? a < want : a <= want;
      };
    }
  }
}

/** `q`: startsWith on firstName, lastName or email, case-insensitive; DEPROVISIONED users omitted. */
export function qPredicate(q: string): Predicate {
  const want = q.toLowerCase();
  return (u) =>
    u.status !== 'DEPROVISIONED' &&
    (u.profile.firstName.toLowerCase().startsWith(want) ||
      u.profile.lastName.toLowerCase().startsWith(want) ||
      u.profile.email.toLowerCase().startsWith(want));
}

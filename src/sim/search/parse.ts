/**
 * Parser for Okta's `search` / `filter` expression language (shared/reference/okta-api.md §3):
 * `attr op "value"` joined by `and` / `or`, parentheses, `\"` escapes inside values.
 * Operators and keywords are case-insensitive; property names are case-sensitive.
 */

export type CompareOp = 'eq' | 'sw' | 'co' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';

export type Expr =
  | { kind: 'or' | 'and'; items: Expr[] }
  | { kind: 'cmp'; attr: string; op: CompareOp; value: string | null };

export class SearchSyntaxError extends Error {
  override readonly name = 'SearchSyntaxError';
}

type Token = { t: 'lp' } | { t: 'rp' } | { t: 'str'; v: string } | { t: 'word'; v: string };

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (c === '(') (out.push({ t: 'lp' }), i++);
    else if (c === ')') (out.push({ t: 'rp' }), i++);
    else if (c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new SearchSyntaxError('unterminated string');
        const d = src[i++];
        if (d === '"') break;
        if (d === '\\') {
          if (i >= src.length) throw new SearchSyntaxError('dangling escape');
          v += src[i++];
        } else v += d;
      }
      out.push({ t: 'str', v });
    } else {
      const m = /^[A-Za-z0-9_.:+@-]+/.exec(src.slice(i, i + 256));
      if (!m) throw new SearchSyntaxError(`unexpected character ${JSON.stringify(c)}`);
      out.push({ t: 'word', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

const OPS = new Set<CompareOp>(['eq', 'sw', 'co', 'gt', 'ge', 'lt', 'le', 'pr']);

export function parseExpression(src: string): Expr {
  const tokens = tokenize(src);
  let pos = 0;
  const peekWord = (): string | null => {
    const tok = tokens[pos];
    return tok && tok.t === 'word' ? tok.v.toLowerCase() : null;
  };

  const parseOr = (): Expr => {
    const items = [parseAnd()];
    while (peekWord() === 'or') (pos++, items.push(parseAnd()));
    return items.length === 1 ? items[0] : { kind: 'or', items };
  };
  const parseAnd = (): Expr => {
    const items = [parseUnary()];
    while (peekWord() === 'and') (pos++, items.push(parseUnary()));
    return items.length === 1 ? items[0] : { kind: 'and', items };
  };
  const parseUnary = (): Expr => {
    const tok = tokens[pos];
    if (!tok) throw new SearchSyntaxError('unexpected end of expression');
    if (tok.t === 'lp') {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.t !== 'rp') throw new SearchSyntaxError('missing )');
      pos++;
      return inner;
    }
    if (tok.t !== 'word') throw new SearchSyntaxError('expected an attribute');
    const attr = tok.v;
    if (['and', 'or', 'not'].includes(attr.toLowerCase())) throw new SearchSyntaxError(`unexpected ${attr}`);
    pos++;
    const opTok = tokens[pos++];
    const op = opTok && opTok.t === 'word' ? (opTok.v.toLowerCase() as CompareOp) : null;
    if (!op || !OPS.has(op)) throw new SearchSyntaxError(`unknown operator after ${attr}`);
    if (op === 'pr') return { kind: 'cmp', attr, op, value: null };
    const valTok = tokens[pos++];
    if (!valTok || valTok.t === 'lp' || valTok.t === 'rp') throw new SearchSyntaxError(`missing value after ${attr} ${op}`);
    if (valTok.t === 'word' && ['and', 'or'].includes(valTok.v.toLowerCase())) throw new SearchSyntaxError('missing value');
    return { kind: 'cmp', attr, op, value: valTok.v };
  };

  if (tokens.length === 0) throw new SearchSyntaxError('empty expression');
  const expr = parseOr();
  if (pos !== tokens.length) throw new SearchSyntaxError('trailing tokens');
  return expr;
}

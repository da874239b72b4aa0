/**
 * The Okta OpenAPI spec (shared/okta-openapi/management-minimal.yaml, 3.4 MB) read once and
 * indexed by its own structure: every path item and every `components.<kind>.<Name>` entry is a
 * line range, parsed with the `yaml` package only when first needed. A full parse takes seconds;
 * this reads the file once and parses the few dozen entries the conformance test touches.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export type Json = Record<string, unknown>;

export interface Spec {
  file: string;
  pathItem(path: string): Json | undefined;
  /** Resolve `#/components/<kind>/<Name>[/more/segments]`. */
  ref(ref: string): Json;
}

export function locateSpec(url: URL): string {
  const file = fileURLToPath(url);
  if (!existsSync(file)) {
    throw new Error(`OpenAPI spec not found at ${file}: the conformance test expects shared/okta-openapi/management-minimal.yaml beside the repository clone (../shared from the repo root)`);
  }
  return file;
}

export function loadSpec(file: string): Spec {
  const lines = readFileSync(file, 'utf8').split('\n');
  const paths = new Map<string, [number, number]>();
  const components = new Map<string, [number, number]>();
  let top = '';
  let kind = '';
  let open: { map: Map<string, [number, number]>; key: string; start: number } | null = null;
  const close = (end: number) => {
    if (open) open.map.set(open.key, [open.start, end]);
    open = null;
  };
  lines.forEach((line, i) => {
    if (/^\S/.test(line)) {
      close(i);
      top = line.slice(0, line.indexOf(':'));
    } else if (top === 'paths' && /^ {2}\S/.test(line)) {
      close(i);
      open = { map: paths, key: line.trim().replace(/:$/, '').replace(/^['"]|['"]$/g, ''), start: i };
    } else if (top === 'components' && /^ {2}\S/.test(line)) {
      close(i);
      kind = line.trim().replace(/:$/, '');
    } else if (top === 'components' && /^ {4}\S/.test(line)) {
      close(i);
      open = { map: components, key: `${kind}/${line.trim().replace(/:$/, '')}`, start: i };
    }
  });
  close(lines.length);
  if (paths.size < 100 || !components.has('schemas/User')) throw new Error(`${file} does not look like the Okta management spec`);

  const cache = new Map<string, Json>();
  const entry = (map: Map<string, [number, number]>, key: string): Json | undefined => {
    const cacheKey = (map === paths ? 'p:' : 'c:') + key;
    if (cache.has(cacheKey)) return cache.get(cacheKey);
    const range = map.get(key);
    if (!range) return undefined;
    const doc = parse(lines.slice(range[0], range[1]).join('\n')) as Json;
    const value = Object.values(doc)[0] as Json;
    cache.set(cacheKey, value);
    return value;
  };

  return {
    file,
    pathItem: (path) => entry(paths, path),
    ref(ref) {
      const m = /^#\/components\/([^/]+)\/([^/]+)(\/.*)?$/.exec(ref);
      if (!m) throw new Error(`unsupported $ref ${ref}`);
      let node: unknown = entry(components, `${m[1]}/${m[2]}`);
      for (const seg of (m[3] ?? '').split('/').filter(Boolean)) node = (node as Json | undefined)?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
      if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
      return node as Json;
    },
  };
}

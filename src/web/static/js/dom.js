// DOM helpers. Everything from the server is put in the page as text (text nodes, textContent,
// attribute values), never parsed as HTML: this file has no innerHTML and nothing else may use it.

/**
 * h('button', { class: 'primary', onclick: fn }, 'Save') — build an element.
 * Strings and numbers become text nodes; null/undefined/false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'value') el.value = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace an element's content. */
export function mount(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
export const fmtNum = (n) => (typeof n === 'number' ? n.toLocaleString() : '—');

/** A table from column definitions: { label, cell(row) → string | Node }. */
export function table(columns, rows, opts = {}) {
  return h(
    'table',
    { class: opts.class ?? 'grid' },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.class }, c.label)))),
    h(
      'tbody',
      {},
      rows.length
        ? rows.map((row) => h('tr', {}, columns.map((c) => h('td', { class: c.class }, c.cell(row) ?? '—'))))
        : h('tr', {}, h('td', { colspan: String(columns.length), class: 'empty' }, opts.empty ?? 'Nothing yet.')),
    ),
  );
}

/** A badge whose class names the value (status or outcome). */
export const badge = (value) => h('span', { class: `badge badge-${String(value).replace(/[^a-z_]/gi, '')}` }, String(value ?? '—'));

/** A message line that can show an error or a notice. */
export function notice() {
  const el = h('p', { class: 'notice', role: 'status', hidden: true });
  return {
    el,
    show(text, kind = 'error') {
      el.className = `notice notice-${kind}`;
      el.textContent = text;
      el.hidden = false;
    },
    clear() {
      el.hidden = true;
      el.textContent = '';
    },
  };
}

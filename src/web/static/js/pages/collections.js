import { badge, fmtNum, fmtTime, h, mount, notice, table } from '../dom.js';
import { clearFieldErrors, field, select, showFieldErrors } from '../form.js';
import { pager } from './pager.js';

const FORMATS = [
  { value: '', label: 'Detect' },
  { value: 'text', label: 'Text (one per line)' },
  { value: 'csv', label: 'CSV' },
  { value: 'json', label: 'JSON' },
  { value: 'stix', label: 'STIX 2.1 bundle' },
];

/** Data collections: list, create (paste or upload), delete. */
export async function collectionsPage(app, el) {
  const { collections } = await app.api.get('/api/collections');
  const msg = notice();
  const list = table(
    [
      { label: 'Name', cell: (c) => h('a', { href: `#/collections/${c.id}` }, c.name) },
      { label: 'Identities', class: 'num', cell: (c) => fmtNum(c.identityCount) },
      { label: 'Format', cell: (c) => c.format },
      { label: 'Source', cell: (c) => c.sourceName },
      { label: 'Created', cell: (c) => `${fmtTime(c.createdAt)} · ${c.createdBy ?? '—'}` },
      {
        label: '',
        cell: (c) =>
          app.canOperate
            ? h('button', {
                type: 'button', class: 'link danger',
                onclick: async () => {
                  if (!confirm(`Delete the data collection "${c.name}"?`)) return;
                  try {
                    await app.api.del(`/api/collections/${c.id}`);
                    collectionsPage(app, el);
                  } catch (err) {
                    msg.show(err.message);
                  }
                },
              }, 'Delete')
            : '',
      },
    ],
    collections,
    { empty: 'No data collection yet: create one below.' },
  );
  list.id = 'collections-table';
  mount(el, h('header', { class: 'page-head' }, h('h1', {}, 'Data collections'), h('span', { class: 'muted' }, 'Identity objects to act on')), msg.el, list, app.canOperate ? createForm(app, el) : null);
}

function createForm(app, el) {
  const name = h('input', { type: 'text', placeholder: 'Locked-out users' });
  const text = h('textarea', { rows: 6, placeholder: 'One identity per line: logins, emails or Okta user ids — or CSV, JSON, a STIX bundle.' });
  const file = h('input', { type: 'file', accept: '.txt,.csv,.json,.stix,.jsonl,text/plain,text/csv,application/json' });
  const format = select(FORMATS, '');
  const column = h('input', { type: 'text', placeholder: 'e.g. email' });
  const msg = notice();
  let mode = 'upload';
  const pastePanel = h('div', { hidden: true }, field('text', 'Paste identities', text));
  const uploadPanel = h('div', {}, field('file', 'Upload a file', file, 'Text, CSV, JSON or STIX (up to 8 MiB).'));
  const modeBtn = (m, label) =>
    h('button', {
      type: 'button', class: m === mode ? 'tab active' : 'tab', dataset: { mode: m },
      onclick: (e) => {
        mode = m;
        for (const b of e.target.parentElement.children) b.classList.toggle('active', b.dataset.mode === m);
        pastePanel.hidden = m !== 'paste';
        uploadPanel.hidden = m !== 'upload';
      },
    }, label);
  const form = h(
    'form',
    {
      class: 'card form', id: 'collection-form', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        msg.clear();
        clearFieldErrors(form);
        try {
          let created;
          if (mode === 'upload') {
            const f = file.files?.[0];
            if (!f) return showFieldErrors(form, { file: 'Choose a file.' });
            const q = new URLSearchParams({ name: name.value.trim() || f.name, fileName: f.name });
            if (format.value) q.set('format', format.value);
            if (column.value.trim()) q.set('column', column.value.trim());
            created = await app.api.request('POST', `/api/collections/upload?${q}`, f);
          } else {
            const body = { name: name.value, text: text.value };
            if (format.value) body.format = format.value;
            if (column.value.trim()) body.column = column.value.trim();
            created = await app.api.post('/api/collections', body);
          }
          location.hash = `#/collections/${created.id}`;
        } catch (err) {
          const rest = showFieldErrors(form, err.fields);
          msg.show(rest.length ? rest.join('; ') : err.message);
        }
      },
    },
    h('h2', {}, 'New data collection'),
    field('name', 'Name', name),
    h('div', { class: 'tabs' }, modeBtn('upload', 'Upload'), modeBtn('paste', 'Paste')),
    uploadPanel,
    pastePanel,
    h('details', { class: 'advanced' }, h('summary', {}, 'Format'), field('format', 'Format', format), field('column', 'CSV column', column, 'The header of the column with the identities (default: detected).')),
    msg.el,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'create-collection' }, 'Create')),
  );
  return form;
}

/** One collection: its identities with the last known Okta status and last outcome. */
export async function collectionPage(app, el, id) {
  const c = await app.api.get(`/api/collections/${id}`);
  const body = h('div');
  mount(
    el,
    h('header', { class: 'page-head' }, h('h1', {}, c.name), h('span', { class: 'muted' }, `${fmtNum(c.identityCount)} identities · ${c.format}${c.skipped ? ` · ${c.skipped} objects skipped` : ''}`)),
    h('p', {}, h('a', { href: '#/collections' }, '← All data collections'), ' · ', c.usedBy.length ? `Used by ${c.usedBy.join(', ')}` : h('a', { href: `#/workflows?collection=${c.id}` }, 'Insert into a workflow')),
    body,
  );
  pager(body, async (offset, limit) => {
    const page = await app.api.get(`/api/collections/${id}/identities?offset=${offset}&limit=${limit}`);
    const t = table(
      [
        { label: '#', class: 'num', cell: (r) => String(r.index + 1) },
        { label: 'Identity', class: 'identity', cell: (r) => r.identity },
        { label: 'Okta user id', cell: (r) => r.userId },
        { label: 'Last known status', cell: (r) => (r.lastStatus ? badge(r.lastStatus) : '—') },
        { label: 'Last outcome', cell: (r) => (r.lastOutcome ? [badge(r.lastOutcome), r.lastDryRun ? ' (preview)' : ''] : '—') },
      ],
      page.items,
    );
    t.id = 'identities-table';
    return { total: page.total, node: t };
  });
}

import { fmtNum, fmtTime, h, mount, notice, table } from '../dom.js';
import { clearFieldErrors, field, select, showFieldErrors } from '../form.js';
import { actionConfigFields, readActionConfig } from './action-config.js';
import { previewButton } from './preview.js';

/** Workflows: list, and insert the action with a data collection. */
export async function workflowsPage(app, el) {
  const [{ workflows }, { collections }, integration] = await Promise.all([app.api.get('/api/workflows'), app.api.get('/api/collections'), app.api.get('/api/integration')]);
  const list = table(
    [
      { label: 'Name', cell: (w) => h('a', { href: `#/workflows/${w.id}` }, w.name) },
      { label: 'Data collection', cell: (w) => w.collectionName },
      { label: 'Action', cell: (w) => w.actionLabel },
      { label: 'Identities', class: 'num', cell: (w) => fmtNum(w.identityCount) },
      { label: 'Updated', cell: (w) => `${fmtTime(w.updatedAt)} · ${w.updatedBy ?? '—'}` },
    ],
    workflows,
    { empty: 'No workflow yet: insert the action below.' },
  );
  list.id = 'workflows-table';
  mount(el, h('header', { class: 'page-head' }, h('h1', {}, 'Workflows'), h('span', { class: 'muted' }, 'A data collection plus the action')), list, app.canOperate ? insertForm(app, collections, integration) : null);
}

function insertForm(app, collections, integration) {
  const preselect = new URLSearchParams(location.hash.split('?')[1] ?? '').get('collection');
  const name = h('input', { type: 'text', placeholder: 'Unlock the locked-out users' });
  const chosen = preselect ?? (collections.length === 1 ? collections[0].id : '');
  const collection = select([{ value: '', label: 'Choose…' }, ...collections.map((c) => ({ value: c.id, label: `${c.name} (${fmtNum(c.identityCount)})` }))], chosen);
  const action = select(integration.actions.map((a) => ({ value: a.name, label: a.label })), integration.config.action);
  const msg = notice();
  const form = h(
    'form',
    {
      class: 'card form', id: 'workflow-form', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        msg.clear();
        clearFieldErrors(form);
        try {
          const w = await app.api.post('/api/workflows', { name: name.value, collectionId: collection.value, config: { action: action.value } });
          location.hash = `#/workflows/${w.id}`;
        } catch (err) {
          const rest = showFieldErrors(form, err.fields);
          msg.show(rest.length ? rest.join('; ') : err.message);
        }
      },
    },
    h('h2', {}, 'Insert the action into a workflow'),
    h('p', { class: 'muted' }, "The workflow gets its own copy of the integration's configuration; edit it there. Later changes to the integration do not touch it."),
    field('name', 'Name', name),
    field('collectionId', 'Data collection', collection),
    field('action', 'Action', action),
    msg.el,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'insert-workflow' }, 'Insert')),
  );
  return form;
}

/** One workflow: its own configuration, and Preview. */
export async function workflowPage(app, el, id, saved = false) {
  const [w, { collections }, integration] = await Promise.all([app.api.get(`/api/workflows/${id}`), app.api.get('/api/collections'), app.api.get('/api/integration')]);
  const name = h('input', { type: 'text', value: w.name });
  const collection = select(collections.map((c) => ({ value: c.id, label: `${c.name} (${fmtNum(c.identityCount)})` })), w.collectionId);
  const { fields, advanced, inputs } = actionConfigFields(integration.actions, w.config);
  const msg = notice();
  const runMsg = notice();
  const form = h(
    'form',
    {
      class: 'card form', id: 'workflow-config', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        msg.clear();
        clearFieldErrors(form);
        try {
          await app.api.put(`/api/workflows/${id}`, { name: name.value, collectionId: collection.value, config: readActionConfig(inputs) });
          // Redrawn with the saved values, and the message shown there (here it would be wiped).
          await workflowPage(app, el, id, true);
        } catch (err) {
          const rest = showFieldErrors(form, err.fields);
          msg.show(rest.length ? rest.join('; ') : err.message);
        }
      },
    },
    h('h2', {}, 'Action instance'),
    h('p', { class: 'muted' }, `Copied from the integration defaults when inserted (${fmtTime(w.createdAt)}); these settings are this workflow's own.`),
    field('name', 'Name', name),
    field('collectionId', 'Data collection', collection),
    fields,
    h('details', { class: 'advanced' }, h('summary', {}, 'Advanced'), advanced),
    msg.el,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'save-workflow' }, 'Save')),
  );
  const preview = previewButton(app, { id: 'preview', label: 'Preview', path: `/api/workflows/${id}/runs`, msg: runMsg });
  if (!app.canOperate) for (const x of [...form.querySelectorAll('input, select, textarea, button'), preview]) x.disabled = true;
  if (saved) msg.show('Saved (this workflow only).', 'ok');
  mount(
    el,
    h('header', { class: 'page-head' }, h('h1', {}, w.name), h('span', { class: 'muted' }, `${w.actionLabel} on ${w.collectionName ?? '—'} · ${fmtNum(w.targetCount)} identities`)),
    h('p', {}, h('a', { href: '#/workflows' }, '← All workflows')),
    h('section', { class: 'card run-box' }, h('h2', {}, 'Run'), h('p', {}, 'First a preview: every user is read and the plan shown; nothing changes. Then run it from the preview.'), runMsg.el, h('div', { class: 'actions' }, preview)),
    form,
  );
}

import { badge, fmtNum, fmtTime, h, mount, table } from '../dom.js';
import { pager } from './pager.js';

/** The run's results: counts per outcome (each a filter), a paged table, CSV/JSON export. */
export function results(app, el, run) {
  let outcome = null;
  const tableBox = h('div');
  const filters = h('div', { class: 'filters', id: 'outcome-filters' });
  const renderFilters = () =>
    mount(
      filters,
      [['All', null, run.total], ...Object.entries(run.counts).filter(([, n]) => n > 0).map(([k, n]) => [k, k, n]), ...(run.unfinished ? [['pending', 'pending', run.unfinished]] : [])].map(([label, value, n]) =>
        h('button', {
          type: 'button', class: value === outcome ? 'chip active' : 'chip', dataset: { outcome: value ?? 'all' },
          onclick: () => {
            outcome = value;
            renderFilters();
            load();
          },
        }, `${label} (${fmtNum(n)})`),
      ),
    );
  const load = () =>
    pager(tableBox, async (offset, limit) => {
      const q = new URLSearchParams({ offset: String(offset), limit: String(limit) });
      if (outcome) q.set('outcome', outcome);
      const page = await app.api.get(`/api/runs/${run.id}/items?${q}`);
      const t = table(
        [
          { label: '#', class: 'num', cell: (i) => String(i.index + 1) },
          { label: 'Identity', class: 'identity', cell: (i) => i.input },
          { label: 'Login', cell: (i) => i.login },
          { label: 'Okta user id', cell: (i) => i.userId },
          { label: 'Before', cell: (i) => (i.statusBefore ? badge(i.statusBefore) : '—') },
          { label: 'After', cell: (i) => (i.statusAfter ? badge(i.statusAfter) : '—') },
          { label: 'Outcome', cell: (i) => badge(i.outcome) },
          { label: 'Detail', class: 'detail', cell: (i) => i.error?.errorSummary ?? i.note ?? '' },
        ],
        page.items,
        { empty: 'No item with this outcome.' },
      );
      t.id = 'results-table';
      return { total: page.total, node: t };
    });
  mount(
    el,
    h('h2', {}, run.dryRun ? 'Plan' : 'Results'),
    h('div', { class: 'results-head' }, filters, h('span', { class: 'exports' }, 'Export: ', h('a', { href: `/api/runs/${run.id}/export?format=csv`, download: '', id: 'export-csv' }, 'CSV'), ' · ', h('a', { href: `/api/runs/${run.id}/export?format=json`, download: '', id: 'export-json' }, 'JSON'))),
    tableBox,
  );
  renderFilters();
  load();
}

/** The run's audit log: every request it sent. */
export function auditLog(app, el, runId) {
  const box = h('div');
  mount(el, h('h2', {}, 'Audit log'), h('a', { href: `/api/runs/${runId}/audit`, download: '' }, 'Download JSON Lines'), box);
  pager(box, async (offset, limit) => {
    const page = await app.api.get(`/api/runs/${runId}/events?offset=${offset}&limit=${limit}`);
    const total = page.total;
    const t = table(
      [
        { label: 'At', cell: (e) => fmtTime(e.at) },
        { label: 'Item', class: 'num', cell: (e) => (e.itemIndex === null ? '—' : String(e.itemIndex + 1)) },
        { label: 'Request', cell: (e) => `${e.method} ${e.route}` },
        { label: 'Status', cell: (e) => (e.status === null ? '—' : String(e.status)) },
        { label: 'x-okta-request-id', cell: (e) => e.requestId },
        { label: 'Attempt', class: 'num', cell: (e) => String(e.attempt) },
        { label: 'ms', class: 'num', cell: (e) => String(Math.round(e.durationMs)) },
        { label: 'Error', cell: (e) => e.error ?? '' },
      ],
      page.events,
      { empty: 'No request was sent.' },
    );
    t.id = 'audit-table';
    return { total, node: t };
  });
}

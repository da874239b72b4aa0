import { badge, fmtNum, fmtTime, h, mount, table } from '../dom.js';
import { pager } from './pager.js';

const KIND = { preview: 'Preview', run: 'Run', undo: 'Undo', cli: 'CLI' };

/** History: every run with who ran it, when and the counts; each opens its results and audit log. */
export async function historyPage(app, el) {
  const box = h('div');
  mount(el, h('header', { class: 'page-head' }, h('h1', {}, 'History'), h('span', { class: 'muted' }, 'Every run, newest first')), box);
  pager(box, async (offset, limit) => {
    const { runs, total } = await app.api.get(`/api/runs?offset=${offset}&limit=${limit}`);
    const t = table(
      [
        { label: 'Started', cell: (r) => h('a', { href: `#/runs/${r.id}` }, fmtTime(r.startedAt)) },
        { label: 'Kind', cell: (r) => KIND[r.kind] ?? r.kind },
        { label: 'Workflow', cell: (r) => r.workflowName ?? '—' },
        { label: 'Action', cell: (r) => r.actionLabel },
        { label: 'By', cell: (r) => r.actor ?? '—' },
        { label: 'Status', cell: (r) => badge(r.status) },
        { label: 'Identities', class: 'num', cell: (r) => fmtNum(r.total) },
        { label: 'Outcomes', cell: (r) => Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => h('span', { class: 'count' }, badge(k), ` ${fmtNum(n)} `)) },
      ],
      runs,
      { empty: 'No run yet.' },
    );
    t.id = 'history-table';
    return { total, node: t };
  }, 50);
}

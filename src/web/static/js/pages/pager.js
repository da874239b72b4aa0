import { fmtNum, h, mount } from '../dom.js';

/** A paged view: load(offset, limit) → { total, node }. */
export function pager(el, load, limit = 100) {
  let offset = 0;
  const info = h('span', { class: 'muted pager-info' });
  const prev = h('button', { type: 'button', onclick: () => go(offset - limit) }, '← Previous');
  const next = h('button', { type: 'button', onclick: () => go(offset + limit) }, 'Next →');
  const slot = h('div', { class: 'table-wrap' });
  mount(el, slot, h('div', { class: 'pager' }, prev, info, next));
  async function go(to) {
    offset = Math.max(0, to);
    const { total, node } = await load(offset, limit);
    mount(slot, node);
    info.textContent = total ? `${fmtNum(offset + 1)}–${fmtNum(Math.min(offset + limit, total))} of ${fmtNum(total)}` : 'None';
    prev.disabled = offset === 0;
    next.disabled = offset + limit >= total;
  }
  go(0);
  return { reload: () => go(offset), first: () => go(0) };
}

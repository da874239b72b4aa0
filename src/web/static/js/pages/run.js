import { RateChart, legend } from '../chart.js';
import { badge, fmtNum, fmtTime, h, mount, notice } from '../dom.js';
import { previewButton } from './preview.js';
import { auditLog, results } from './results.js';

const KIND = { preview: 'Preview', run: 'Run', undo: 'Undo', cli: 'CLI run' };

/** A run: live progress (SSE) with the rate chart, then the results; next step (run / undo). */
export async function runPage(app, el, id) {
  let run = await app.api.get(`/api/runs/${id}`);
  const progress = h('progress', { max: String(Math.max(run.total, 1)), value: '0', id: 'run-progress' });
  const progressText = h('span', { class: 'progress-text', id: 'progress-text' });
  const status = h('span', { id: 'run-status' });
  const counts = h('div', { class: 'counts', id: 'live-counts' });
  const errorMsg = notice();
  const canvas = h('canvas', { class: 'rate-chart', id: 'rate-chart', width: '640', height: '180' });
  const chart = new RateChart(canvas);
  const chartBox = h('section', { class: 'card', hidden: !run.live }, h('h2', {}, 'Requests per second'), canvas, legend());
  const stop = h('button', {
    type: 'button', class: 'danger', hidden: !run.live || !app.canOperate,
    onclick: async () => {
      stop.disabled = true;
      await app.api.post(`/api/runs/${id}/stop`).catch((err) => errorMsg.show(err.message));
    },
  }, 'Stop');
  const next = h('div');
  const heading = h('h2', { id: 'progress-heading' }, run.live ? 'Progress' : 'Summary');
  const resultsBox = h('section', { class: 'card', id: 'results', hidden: true });
  const auditBox = h('section', { class: 'card', id: 'audit', hidden: true });

  const show = (s) => {
    progress.max = Math.max(s.total, 1);
    progress.value = s.done;
    progressText.textContent = `${fmtNum(s.done)} of ${fmtNum(s.total)}`;
    mount(status, badge(s.status));
    mount(counts, Object.entries(s.counts ?? {}).filter(([k, n]) => k !== 'total' && n > 0).map(([k, n]) => h('span', { class: 'count' }, badge(k), ` ${fmtNum(n)}`)));
    if (s.error) errorMsg.show(s.error, s.status === 'failed' ? 'error' : 'warn');
  };

  const ended = async () => {
    run = await app.api.get(`/api/runs/${id}`);
    stop.hidden = true;
    heading.textContent = 'Summary'; // the run is over: what the box shows now is its summary
    show({ ...run, done: run.total - run.unfinished });
    resultsBox.hidden = false;
    auditBox.hidden = false;
    results(app, resultsBox, run);
    nextStep(app, next, run);
    mount(auditBox, h('h2', {}, 'Audit log'), h('button', { type: 'button', id: 'show-audit', onclick: () => auditLog(app, auditBox, id) }, 'Show the requests'), ' ', h('a', { href: `/api/runs/${id}/audit`, download: '' }, 'Download JSON Lines'));
  };

  mount(
    el,
    h('header', { class: 'page-head' }, h('h1', {}, `${KIND[run.kind] ?? run.kind}: ${run.workflowName ?? run.actionLabel}`), status),
    h('p', { class: 'muted' }, `${run.actionLabel}${run.dryRun ? ' (plan only: nothing changes)' : ''} on ${run.org} · by ${run.actor ?? '—'} · ${fmtTime(run.startedAt)}`),
    h('section', { class: 'card' }, heading, h('div', { class: 'progress-row' }, progress, progressText, stop), counts, errorMsg.el),
    chartBox,
    next,
    resultsBox,
    auditBox,
  );
  show({ ...run, done: run.total - run.unfinished });
  chart.draw();

  if (!run.live) return ended();
  const stream = new EventSource(`/api/runs/${id}/stream`);
  app.onLeave(() => stream.close());
  const onMessage = (e) => {
    const s = JSON.parse(e.data);
    show(s);
    chart.add(s.points);
  };
  stream.addEventListener('progress', onMessage);
  stream.addEventListener('end', (e) => {
    stream.close();
    onMessage(e);
    ended();
  });
  stream.onerror = () => {
    if (stream.readyState === EventSource.CLOSED) ended();
  };
}

/**
 * Irreversible actions are capped (100 users unless the run says otherwise): the typed count only
 * confirms, so raising the cap is a separate, explicit field. Null when the action has no cap.
 */
function maxChangesField(w, wouldChange) {
  if (w.defaultMaxChanges === null || w.defaultMaxChanges === undefined) return null;
  const input = h('input', { type: 'number', id: 'max-changes', min: '0', placeholder: String(w.defaultMaxChanges) });
  const over = wouldChange > w.defaultMaxChanges;
  return {
    input,
    el: h(
      'label',
      { for: 'max-changes', class: 'confirm' },
      `At most this many users may change (default ${fmtNum(w.defaultMaxChanges)}; if the plan has more, the run stops before changing anyone):`,
      input,
      over ? h('small', { class: 'hint', id: 'max-changes-hint' }, `The plan changes ${fmtNum(wouldChange)} users, more than ${fmtNum(w.defaultMaxChanges)}: enter at least ${wouldChange} here to run it.`) : null,
    ),
  };
}

/** After a preview: run it (deactivate asks for the number of users). After a run: undo where it applies. */
async function nextStep(app, el, run) {
  mount(el);
  if (!app.canOperate || run.status === 'running') return;
  const msg = notice();
  if (run.kind === 'preview' && run.workflowId && run.status === 'finished') {
    const w = await app.api.get(`/api/workflows/${run.workflowId}`).catch(() => null);
    if (!w) return;
    // A preview of a run's next page (it has a parent run) is run by continuing that run, on the identities it previewed.
    const next = run.parentRunId ? { url: `/api/runs/${run.parentRunId}/continue`, count: run.total - (run.counts.deferred ?? 0) } : null;
    const targetCount = next ? next.count : w.targetCount;
    const confirmInput = w.needsConfirm ? h('input', { type: 'number', id: 'confirm-count', placeholder: String(targetCount) }) : null;
    const cap = maxChangesField(w, run.counts.would_change ?? 0);
    const go = h('button', {
      type: 'button', class: w.needsConfirm ? 'danger' : 'primary', id: 'run-now',
      onclick: async () => {
        msg.clear();
        go.disabled = true;
        try {
          const body = { dryRun: false };
          if (confirmInput) body.confirm = Number(confirmInput.value);
          if (cap && cap.input.value.trim() !== '') body.maxChanges = Number(cap.input.value);
          const { runId } = await app.api.post(next ? next.url : `/api/workflows/${w.id}/runs`, body);
          location.hash = `#/runs/${runId}`;
        } catch (err) {
          msg.show(err.fields?.confirm ?? err.fields?.maxChanges ?? err.message);
          go.disabled = false;
        }
      },
    }, `Run ${w.actionLabel} on ${fmtNum(targetCount)} identities${next ? ' (the next page)' : ''}`);
    mount(
      el,
      h(
        'section',
        { class: 'card run-box' },
        h('h2', {}, 'Confirm'),
        h('p', {}, `The plan above is what the run will do, user by user, if nothing changes meanwhile. ${fmtNum(run.counts.would_change ?? 0)} users would change.`),
        confirmInput ? h('label', { for: 'confirm-count', class: 'confirm' }, `${w.actionLabel}${w.destructive ? ' cannot be undone' : ' needs a confirmation'}. Type ${targetCount}, the number of identities it acts on, to confirm:`, confirmInput) : null,
        cap?.el,
        msg.el,
        h('div', { class: 'actions' }, go),
      ),
    );
    return;
  }
  const sections = [];
  // Objects Per Run left identities for later: the next page is previewed first, then run from that preview.
  const deferred = run.counts.deferred ?? 0;
  if (run.status === 'finished' && deferred > 0 && run.kind !== 'undo') {
    const nextMsg = notice();
    const preview = previewButton(app, { id: 'preview-next', label: 'Preview the next page', path: `/api/runs/${run.id}/continue`, msg: nextMsg });
    sections.push(h('section', { class: 'card run-box', id: 'next-page' }, h('h2', {}, 'Next page'),
      h('p', {}, `${fmtNum(deferred)} identities were deferred (Objects Per Run). Preview what a run on the next page would do, then run it from there.`),
      nextMsg.el, h('div', { class: 'actions' }, preview)));
  }
  if (run.undo.label) {
    const undo = h('button', {
      type: 'button', id: 'undo', disabled: !run.undo.possible, title: run.undo.reason ?? '',
      onclick: async () => {
        const notes = run.undo.notes.map((n) => `\n\nNote: ${n}`).join('');
        if (!confirm(`${run.undo.label}: put back the ${run.counts.changed} users this run changed (where their status is still what it left)?${notes}`)) return;
        undo.disabled = true;
        try {
          const { runId } = await app.api.post(`/api/runs/${run.id}/undo`);
          location.hash = `#/runs/${runId}`;
        } catch (err) {
          msg.show(err.message);
          undo.disabled = false;
        }
      },
    }, run.undo.label);
    // The users undo cannot put back exactly (e.g. suspended from PASSWORD_EXPIRED: unsuspend leaves them ACTIVE).
    const notes = run.undo.notes.map((n) => h('p', { class: 'muted undo-note' }, `Note: ${n}`));
    sections.push(h('section', { class: 'card run-box' }, h('h2', {}, 'Undo'), run.undo.possible ? null : h('p', { class: 'muted' }, run.undo.reason), ...notes, msg.el, h('div', { class: 'actions' }, undo)));
  }
  mount(el, ...sections);
}

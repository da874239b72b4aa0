import { h, mount, notice, fmtTime } from '../dom.js';
import { clearFieldErrors, field, lines, showFieldErrors } from '../form.js';
import { actionConfigFields, readActionConfig } from './action-config.js';

/** Integration: details, and the Configuration tab (the defaults new workflows copy). */
export async function integrationPage(app, el) {
  const data = await app.api.get('/api/integration');
  const d = data.details;
  const details = h(
    'dl',
    { class: 'details' },
    h('dt', {}, 'Integration Type'), h('dd', {}, d.integrationType),
    h('dt', {}, 'Version'), h('dd', {}, d.version),
    h('dt', {}, 'Accepted Data Types'), h('dd', {}, d.acceptedDataTypes.join(', ')),
  );
  const configPanel = h('div', { class: 'tab-panel' });
  const detailsPanel = h('div', { class: 'tab-panel', hidden: true }, details, h('p', { class: 'muted' }, `The action applies one lifecycle operation to every Identity of a data collection: ${data.actions.map((a) => a.label).join(', ')}.`));
  const tabs = tabStrip([
    ['Configuration', configPanel],
    ['Details', detailsPanel],
  ]);
  mount(
    el,
    h('header', { class: 'page-head' }, h('h1', {}, 'Okta'), h('span', { class: 'muted' }, `${d.integrationType} · v${d.version} · accepts ${d.acceptedDataTypes.join(', ')}`)),
    tabs,
    configPanel,
    detailsPanel,
  );
  renderConfig(app, configPanel, data);
}

function tabStrip(tabs) {
  const buttons = tabs.map(([label, panel], i) =>
    h('button', {
      type: 'button', role: 'tab', class: i === 0 ? 'tab active' : 'tab',
      onclick: () => {
        buttons.forEach((b, j) => b.classList.toggle('active', j === i));
        tabs.forEach(([, p], j) => (p.hidden = j !== i));
      },
    }, label),
  );
  return h('div', { class: 'tabs', role: 'tablist' }, buttons);
}

function renderConfig(app, panel, data) {
  const c = data.config;
  let saved = { host: c.oktaHost, tokenSet: c.tokenSet };
  const token = h('input', { type: 'password', autocomplete: 'new-password' });
  // The stored token is only ever sent to the host it was saved for: a new host needs it entered again.
  const showTokenPlaceholder = () => {
    const keep = saved.tokenSet && sameOrigin(host.value, saved.host);
    token.placeholder = keep ? 'Set — leave empty to keep it' : saved.tokenSet ? 'Enter the token again for the new host' : 'SSWS API token';
  };
  const host = h('input', { type: 'text', value: c.oktaHost ?? '', placeholder: 'dev-123.okta.com', autocomplete: 'off', spellcheck: 'false', oninput: showTokenPlaceholder });
  showTokenPlaceholder();
  const allowed = h('textarea', { rows: 2, value: c.allowedHosts.join('\n'), placeholder: 'login.example.com' });
  const { fields, advanced, inputs } = actionConfigFields(data.actions, c);
  const msg = notice();
  const tokenState = h('p', { class: 'token-state', id: 'token-state' });
  const showTokenState = (cfg) =>
    mount(tokenState, cfg.tokenSet ? ['API token set', cfg.tokenOwnerLogin ? [' · owner ', h('strong', {}, cfg.tokenOwnerLogin), ` (checked ${fmtTime(cfg.tokenCheckedAt)})`] : ' · press Test connection to see its owner'] : 'No API token yet.');
  showTokenState(c);
  const testBtn = h('button', {
    type: 'button', id: 'test-connection',
    onclick: async () => {
      msg.clear();
      testBtn.disabled = true;
      try {
        const r = await app.api.post('/api/integration/test');
        msg.show(`Connected: the token belongs to ${r.login ?? 'a service app'}.`, 'ok');
        showTokenState((await app.api.get('/api/integration')).config);
      } catch (err) {
        msg.show(err.message);
      } finally {
        testBtn.disabled = !app.canOperate;
      }
    },
  }, 'Test connection');
  const form = h(
    'form',
    {
      class: 'card form', id: 'integration-form', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        msg.clear();
        clearFieldErrors(form);
        const body = { oktaHost: host.value, allowedHosts: lines(allowed.value), ...readActionConfig(inputs) };
        if (token.value.trim()) body.apiToken = token.value.trim();
        try {
          const answer = await app.api.put('/api/integration', body);
          token.value = '';
          saved = { host: answer.config.oktaHost, tokenSet: answer.config.tokenSet };
          showTokenPlaceholder();
          showTokenState(answer.config);
          msg.show('Saved. New workflows copy these settings; existing workflows keep their own.', 'ok');
        } catch (err) {
          const rest = showFieldErrors(form, err.fields);
          msg.show(rest.length ? `${err.message} ${rest.join('; ')}` : err.message);
        }
      },
    },
    field('oktaHost', 'Okta Host', host, 'Your org, e.g. dev-123.okta.com (custom domains: allow them under Advanced).'),
    field('apiToken', 'API Token', token, 'Write-only: stored encrypted and never shown again; sent only to the Okta Host it was saved with.'),
    tokenState,
    fields,
    h('details', { class: 'advanced' }, h('summary', {}, 'Advanced'), advanced, field('allowedHosts', 'Allowed custom hosts', allowed, 'One per line: custom domains of your org that may be used as the Okta Host.')),
    msg.el,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'save-integration' }, 'Save'), testBtn),
  );
  if (!app.canOperate) for (const x of form.querySelectorAll('input, select, textarea, button')) x.disabled = true;
  mount(panel, form, data.updatedAt ? h('p', { class: 'muted' }, `Last saved ${fmtTime(data.updatedAt)} by ${data.updatedBy ?? '—'}.`) : null);
}

/** Whether two Okta Host entries name the same origin (as the server normalises them: https unless given, no path). */
function sameOrigin(a, b) {
  const origin = (v) => {
    const s = String(v ?? '').trim().toLowerCase();
    if (!s) return null;
    try {
      return new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(s) ? s : `https://${s}`).origin;
    } catch {
      return s;
    }
  };
  return origin(a) !== null && origin(a) === origin(b);
}

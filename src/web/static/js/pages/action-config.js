import { h } from '../dom.js';
import { field, lines, num, select } from '../form.js';

/** The action instance's fields, shared by the integration (defaults) and each workflow (its copy). */
export function actionConfigFields(actions, c) {
  const inputs = {
    action: select(actions.map((a) => ({ value: a.name, label: a.label })), c.action),
    objectsPerRun: h('input', { type: 'number', min: '1', step: '1', value: String(c.objectsPerRun) }),
    concurrency: h('input', { type: 'number', min: '1', max: '75', step: '1', value: String(c.concurrency) }),
    rateShare: h('input', { type: 'number', min: '0.01', max: '1', step: '0.01', value: String(c.rateShare) }),
    protectedAccounts: h('textarea', { rows: 3, value: c.protectedAccounts.join('\n'), placeholder: 'admin@example.com\n00u1abcd…\n*@security.example.com' }),
  };
  return {
    inputs,
    fields: h(
      'div',
      {},
      field('action', 'Action', inputs.action),
      field('objectsPerRun', 'Objects Per Run', inputs.objectsPerRun, 'The most identities one run acts on; the rest are deferred.'),
    ),
    advanced: h(
      'div',
      {},
      field('concurrency', 'Concurrency', inputs.concurrency, 'Requests in flight at most (1–75).'),
      field('rateShare', 'Rate share', inputs.rateShare, "The share of each Okta rate-limit bucket a run may use (0–1); the rest stays for other integrations."),
      field('protectedAccounts', 'Protected accounts', inputs.protectedAccounts, 'One per line: Okta ids, logins or login patterns never changed. The token owner is always protected.'),
    ),
  };
}

export function readActionConfig(inputs) {
  return {
    action: inputs.action.value,
    objectsPerRun: num(inputs.objectsPerRun),
    concurrency: num(inputs.concurrency),
    rateShare: num(inputs.rateShare),
    protectedAccounts: lines(inputs.protectedAccounts.value),
  };
}

import { h } from './dom.js';

/** A labelled field with a slot for its validation message, right next to it. */
export function field(name, label, input, hint) {
  input.name = name;
  input.id = `f-${name}`;
  const error = h('span', { class: 'field-error', id: `err-${name}`, role: 'alert' });
  input.setAttribute('aria-describedby', `err-${name}`);
  return h('div', { class: 'field', dataset: { field: name } }, h('label', { for: input.id }, label), input, hint ? h('small', { class: 'hint' }, hint) : null, error);
}

/** Show the server's field-level messages next to each field; returns the ones with no field. */
export function showFieldErrors(form, fields) {
  clearFieldErrors(form);
  const unplaced = [];
  for (const [path, message] of Object.entries(fields ?? {})) {
    // The field's own slot: `config.concurrency` → concurrency, `protectedAccounts.3` → protectedAccounts.
    const names = [path, ...path.split('.').filter((seg) => !/^\d+$/.test(seg)).reverse()];
    const slot = names.map((n) => form.querySelector(`#err-${CSS.escape(n)}`)).find(Boolean);
    if (slot) {
      slot.textContent = message;
      slot.closest('.field')?.classList.add('invalid');
      slot.closest('details')?.setAttribute('open', '');
    } else unplaced.push(`${path}: ${message}`);
  }
  return unplaced;
}

export function clearFieldErrors(form) {
  for (const slot of form.querySelectorAll('.field-error')) slot.textContent = '';
  for (const f of form.querySelectorAll('.field.invalid')) f.classList.remove('invalid');
}

export const lines = (text) => text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);

/** A number input's value as a number (NaN stays NaN so the server's message shows). */
export const num = (input) => (input.value.trim() === '' ? null : Number(input.value));

export function select(options, value) {
  return h('select', {}, options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)));
}

import { fmtTime, h, mount, notice, table } from '../dom.js';
import { clearFieldErrors, field, select, showFieldErrors } from '../form.js';

/** Console accounts (operators only). */
export async function usersPage(app, el) {
  const { users } = await app.api.get('/api/users');
  const msg = notice();
  const list = table(
    [
      { label: 'User', cell: (u) => u.username },
      { label: 'Role', cell: (u) => u.role },
      { label: 'Created', cell: (u) => `${fmtTime(u.createdAt)} · ${u.createdBy ?? 'first start'}` },
      {
        label: '',
        cell: (u) =>
          u.username === app.session.user.username
            ? '(you)'
            : h('button', {
                type: 'button', class: 'link danger',
                onclick: async () => {
                  if (!confirm(`Delete the account ${u.username}?`)) return;
                  await app.api.del(`/api/users/${u.id}`).then(() => usersPage(app, el), (err) => msg.show(err.message));
                },
              }, 'Delete'),
      },
    ],
    users,
  );
  const username = h('input', { type: 'text', autocomplete: 'off' });
  const password = h('input', { type: 'password', autocomplete: 'new-password' });
  const role = select([{ value: 'viewer', label: 'Viewer (read)' }, { value: 'operator', label: 'Operator (configure and run)' }], 'viewer');
  const form = h(
    'form',
    {
      class: 'card form', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        msg.clear();
        clearFieldErrors(form);
        try {
          await app.api.post('/api/users', { username: username.value, password: password.value, role: role.value });
          usersPage(app, el);
        } catch (err) {
          showFieldErrors(form, err.fields);
          msg.show(err.message);
        }
      },
    },
    h('h2', {}, 'New account'),
    field('username', 'User name', username),
    field('password', 'Password', password, 'At least 12 characters.'),
    field('role', 'Role', role),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create')),
  );
  mount(el, h('header', { class: 'page-head' }, h('h1', {}, 'Users')), msg.el, list, form);
}

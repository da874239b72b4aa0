import { h, notice } from '../dom.js';

export function loginPage(app, onLoggedIn) {
  const username = h('input', { type: 'text', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const msg = notice();
  const form = h(
    'form',
    {
      class: 'card login',
      onsubmit: async (e) => {
        e.preventDefault();
        msg.clear();
        try {
          onLoggedIn(await app.api.request('POST', '/api/session', { username: username.value, password: password.value }, { noRedirect: true }));
        } catch (err) {
          msg.show(err.message);
          password.select();
        }
      },
    },
    h('h1', {}, 'okta-action console'),
    h('p', { class: 'muted' }, 'Change the Okta status of many users at once.'),
    h('label', { for: 'login-user' }, 'User name'),
    Object.assign(username, { id: 'login-user' }),
    h('label', { for: 'login-password' }, 'Password'),
    Object.assign(password, { id: 'login-password' }),
    msg.el,
    h('button', { type: 'submit', class: 'primary' }, 'Log in'),
  );
  return form;
}

// The console's shell: session, navigation and hash routing. Each page is a module under pages/.
import { Api } from './api.js';
import { h, mount } from './dom.js';
import { collectionPage, collectionsPage } from './pages/collections.js';
import { historyPage } from './pages/history.js';
import { integrationPage } from './pages/integration.js';
import { loginPage } from './pages/login.js';
import { runPage } from './pages/run.js';
import { usersPage } from './pages/users.js';
import { workflowPage, workflowsPage } from './pages/workflows.js';

const ROUTES = [
  [/^#\/integration$/, integrationPage],
  [/^#\/collections$/, collectionsPage],
  [/^#\/collections\/([\w-]+)$/, collectionPage],
  [/^#\/workflows$/, workflowsPage],
  [/^#\/workflows\/([\w-]+)$/, workflowPage],
  [/^#\/runs\/([\w-]+)$/, runPage],
  [/^#\/history$/, historyPage],
  [/^#\/users$/, usersPage],
];

const NAV = [
  ['#/integration', 'Integration'],
  ['#/collections', 'Data collections'],
  ['#/workflows', 'Workflows'],
  ['#/history', 'History'],
  ['#/users', 'Users', 'operator'],
];

class ConsoleApp {
  constructor() {
    this.api = new Api(() => this.showLogin());
    this.session = null;
    this.main = document.getElementById('main');
    /** Cleanup of the current page (closes its event stream). */
    this.leave = null;
    window.addEventListener('hashchange', () => this.route());
  }

  get canOperate() {
    return this.session?.user.role === 'operator';
  }

  async start() {
    try {
      this.setSession(await this.api.get('/api/session', { noRedirect: true }));
      this.route();
    } catch {
      this.showLogin();
    }
  }

  setSession(session) {
    this.session = session;
    this.api.csrfToken = session?.csrfToken ?? null;
    this.renderChrome();
  }

  renderChrome() {
    const s = this.session;
    const banner = document.getElementById('demo-banner');
    banner.hidden = !s?.demo;
    mount(
      banner,
      s?.demo
        ? ['Demo org', ' — a simulated Okta org on this machine (', h('code', {}, s.demo.url), '); nothing here touches a real Okta org. Try it: ', h('a', { href: '#/workflows' }, 'Workflows'), ' → insert Unlock User with “Locked-out users” → Preview → Run.']
        : [],
    );
    const nav = document.getElementById('nav');
    mount(nav, s ? NAV.filter(([, , role]) => !role || s.user.role === role).map(([href, label]) => h('a', { href, dataset: { nav: href } }, label)) : []);
    const who = document.getElementById('who');
    mount(
      who,
      s
        ? [h('span', { class: 'user' }, `${s.user.username} · ${s.user.role}`), h('button', { type: 'button', class: 'link', id: 'logout', onclick: () => this.logout() }, 'Log out')]
        : [],
    );
  }

  showLogin() {
    this.leave?.();
    this.leave = null;
    this.setSession(null);
    mount(this.main, loginPage(this, async (session) => {
      this.setSession(session);
      if (!location.hash || location.hash === '#/login') location.hash = '#/integration';
      else this.route();
    }));
  }

  async logout() {
    try {
      await this.api.del('/api/session');
    } finally {
      this.showLogin();
    }
  }

  route() {
    if (!this.session) return this.showLogin();
    const hash = (location.hash || '#/integration').split('?')[0];
    this.leave?.();
    this.leave = null;
    for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', hash.startsWith(a.dataset.nav));
    for (const [pattern, page] of ROUTES) {
      const m = hash.match(pattern);
      if (m) {
        const el = h('div', { class: 'page' });
        mount(this.main, el);
        page(this, el, ...m.slice(1)).catch((err) => mount(el, h('p', { class: 'notice notice-error' }, err.message)));
        return;
      }
    }
    location.hash = '#/integration';
  }

  /** Register what to do when the user leaves the page. */
  onLeave(fn) {
    this.leave = fn;
  }
}

new ConsoleApp().start();

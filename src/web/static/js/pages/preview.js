import { h } from '../dom.js';

/**
 * A button that asks for a preview (a dry run) at `path` and opens it; an error shows in `msg` and
 * the button can be pressed again.
 */
export function previewButton(app, { id, label, path, msg }) {
  const button = h('button', {
    type: 'button', class: 'primary', id,
    onclick: async () => {
      msg.clear();
      button.disabled = true;
      try {
        const { runId } = await app.api.post(path, { dryRun: true });
        location.hash = `#/runs/${runId}`;
      } catch (err) {
        msg.show(err.message);
        button.disabled = false;
      }
    },
  }, label);
  return button;
}

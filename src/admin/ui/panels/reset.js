// The reset panel: back to the seeded state, the whole fake or one organisation.
import { field, fillSelect, h, replace } from '../dom.js';

/**
 * Mounts the reset panel in `view`.
 *
 * @example
 * const reset = resetPanel(document.querySelector('#view-reset'), context);
 * await reset.refresh();
 */
export function resetPanel(view, { admin, announce, fail, changed }) {
  const org = h('select', { id: 'reset-org' });
  replace(
    view,
    h('h2', {}, 'Reset'),
    h(
      'p',
      {},
      'Everything: records back to the seed, journal cleared, run-time fault rules removed, rate-limit counts cleared, clock and id sequences restarted.',
    ),
    h('button', { type: 'button', id: 'reset-all', onclick: () => reset(undefined) }, 'Reset everything'),
    h(
      'p',
      {},
      "One organisation: its records back to their seed, its journal entries and rate-limit counts cleared; the others' untouched.",
    ),
    h(
      'form',
      {
        className: 'inline',
        onsubmit: (event) => {
          event.preventDefault();
          reset(org.value);
        },
      },
      field('Organisation', org),
      h('button', { type: 'submit' }, 'Reset organisation'),
    ),
  );

  async function reset(orgId) {
    try {
      const summary = await admin('POST', '/reset', { query: { orgId } });
      announce(`Reset ${orgId ?? 'everything'}: ${summary.reset.join(', ')}`);
      changed();
    } catch (error) {
      fail(error);
    }
  }

  async function refresh() {
    const { organisations } = await admin('GET', '/organisations');
    fillSelect(
      org,
      organisations.map((o) => [o.orgId, o.orgId]),
    );
    return false;
  }

  return { refresh };
}

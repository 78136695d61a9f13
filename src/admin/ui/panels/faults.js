// The fault rules panel: the rules in the order they are tried, with what remains of them and how
// often they fired; add one (as the JSON the admin API takes) or remove one.
import { field, h, json, replace } from '../dom.js';

const EXAMPLE = { method: 'POST', path: '/clients', status: 503, times: 1 };

function describeMatch(rule) {
  const parts = [rule.method ?? '*', rule.path ?? '*'];
  if (rule.orgId !== undefined) parts.push(`org ${rule.orgId}`);
  if (rule.apiKey !== undefined) parts.push(`key ${rule.apiKey}`);
  if (rule.probability !== undefined) parts.push(`p=${rule.probability}`);
  return parts.join(' ');
}

function describeEffect(rule) {
  const parts = [];
  if (rule.network !== undefined) parts.push(rule.network);
  if (rule.status !== undefined) parts.push(String(rule.status));
  if (rule.delayMs !== undefined) parts.push(`delay ${rule.delayMs} ms`);
  if (rule.body !== undefined) parts.push('custom body');
  return parts.join(', ') || 'none';
}

/**
 * Mounts the fault rules panel in `view`.
 *
 * @example
 * const faults = faultsPanel(document.querySelector('#view-faults'), context);
 * await faults.refresh();
 */
export function faultsPanel(view, { admin, announce, fail, changed }) {
  let last = '';
  const body = h('tbody');
  const empty = h('p', { className: 'muted' }, 'No fault rules: every call gets its real answer.');
  const rule = h('textarea', { id: 'fault-rule', rows: 6, cols: 60, spellcheck: 'false' }, json(EXAMPLE));
  const errors = h('ul', { id: 'fault-errors', className: 'error' });
  replace(
    view,
    h('h2', {}, 'Fault rules'),
    empty,
    h(
      'table',
      { className: 'list', id: 'fault-table' },
      h('caption', { className: 'visually-hidden' }, 'Fault rules in the order they are tried'),
      h('thead', {}, h('tr', {}, ...['Id', 'Matches', 'Answers', 'Remaining', 'Hits', ''].map((name) => h('th', { scope: 'col' }, name)))),
      body,
    ),
    h(
      'form',
      { className: 'stack', onsubmit: add },
      h('h3', {}, 'Add a rule'),
      field('Rule (JSON: method, path, orgId, apiKey, status, body, headers, delayMs, network, times, probability)', rule),
      errors,
      h('button', { type: 'submit' }, 'Add rule'),
    ),
  );

  async function add(event) {
    event.preventDefault();
    errors.replaceChildren();
    let input;
    try {
      input = JSON.parse(rule.value);
    } catch (error) {
      errors.append(h('li', {}, `Not JSON: ${error.message}`));
      return;
    }
    try {
      const added = await admin('POST', '/faults', { body: input });
      announce(`Fault rule ${added.id} added`);
      changed();
    } catch (error) {
      const items = error.body?.errors ?? [];
      if (items.length === 0) fail(error);
      for (const item of items) errors.append(h('li', {}, `${item.field === '' ? 'rule' : item.field}: ${item.message}`));
    }
  }

  async function remove(id) {
    try {
      await admin('DELETE', `/faults/${encodeURIComponent(id)}`);
      announce(`Fault rule ${id} removed`);
      changed();
    } catch (error) {
      fail(error);
    }
  }

  async function refresh() {
    const { faults } = await admin('GET', '/faults');
    const text = JSON.stringify(faults);
    if (text === last) return false;
    last = text;
    empty.hidden = faults.length > 0;
    body.replaceChildren(
      ...faults.map((f) =>
        h(
          'tr',
          { 'data-id': f.id },
          h('td', {}, f.id),
          h('td', {}, describeMatch(f)),
          h('td', {}, describeEffect(f)),
          h('td', { className: 'num' }, f.remaining ?? '∞'),
          h('td', { className: 'num' }, f.hits),
          h('td', {}, h('button', { type: 'button', 'aria-label': `Remove ${f.id}`, onclick: () => remove(f.id) }, 'Remove')),
        ),
      ),
    );
    return true;
  }

  return { refresh };
}

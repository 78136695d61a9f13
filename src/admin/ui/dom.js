// Builds elements with text content only: nothing the fake journaled is ever parsed as HTML.

/**
 * An element with attributes (`on*` functions become listeners) and children (strings become text).
 *
 * @example
 * h('button', { type: 'button', onclick: () => run() }, 'Run');
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'className') element.className = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** A value as indented JSON for a `<pre>`. */
export function json(value) {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** A table of name/value rows (headers, say), or a note when there are none. */
export function keyValueTable(caption, record) {
  const rows = Object.entries(record ?? {});
  if (rows.length === 0) return h('p', { className: 'muted' }, `${caption}: none`);
  return h(
    'table',
    { className: 'kv' },
    h('caption', {}, caption),
    h(
      'tbody',
      {},
      ...rows.map(([name, value]) =>
        h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, Array.isArray(value) ? value.join(', ') : value)),
      ),
    ),
  );
}

/**
 * A list beside its detail: a scrolling table (`id`, a caption for screen readers, column names,
 * and the `body` its rows go into) on the left, `detail` on the right.
 */
export function listWithDetail(id, caption, columns, body, detail) {
  return h(
    'div',
    { className: 'split' },
    h(
      'div',
      { className: 'scroll' },
      h(
        'table',
        { className: 'list', id },
        h('caption', { className: 'visually-hidden' }, caption),
        h('thead', {}, h('tr', {}, ...columns.map((name) => h('th', { scope: 'col' }, name)))),
        body,
      ),
    ),
    detail,
  );
}

/** The HTTP status class of a status, for styling (`s2`, `s4`, `s5`, `s0` for none). */
export function statusClass(status) {
  return `s${Math.floor(status / 100)}`;
}

/** Sets a select's options (`[value, label]` pairs), keeping its value when it is still offered. */
export function fillSelect(select, options) {
  const value = select.value;
  const same =
    select.options.length === options.length &&
    options.every(([v, label], i) => select.options[i].value === v && select.options[i].text === label);
  if (same) return;
  select.replaceChildren(...options.map(([v, label]) => h('option', { value: v }, label)));
  if (options.some(([v]) => v === value)) select.value = value;
}

/** A labelled form control: `<label>` then the control, tied by id. */
export function field(label, control) {
  return h('span', { className: 'field' }, h('label', { for: control.id }, label), control);
}

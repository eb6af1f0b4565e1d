// Drafts of the forms on screen: read off the page as the worker types, handed to the app to
// keep sealed with the worker's records (app/src/ui/draft.rs), and put back into a form when
// asked. The page work is here, not in the wasm: compiled from Rust, the same logic cost the
// phone's download several times the bytes.
//
// A form keeps drafts when it carries `data-draft="<form>:<record>"` (the key it is kept under);
// `data-draft-off` pauses it (a member being edited, not added). A draft is text: the moment it
// was read, a newline, then `name US value RS` for each control in page order. A control is named
// by its id, or by its first class and its position among those (`problem-summary#1`) in
// repeated rows; the row's "add" button is marked `data-draft-add`, and other clicks that change
// the form (picking a household) `data-draft-pick`. Searches and passwords are never kept.
(() => {
  const FIELD = '\x1e';
  const VALUE = '\x1f';
  const WRITE_AFTER_MS = 300;
  const kept = (c) => c.type !== 'search' && c.type !== 'password';
  const unsaved = new Set();
  const waiting = new Map();
  let write = () => {};
  let timer = 0;

  function read(form) {
    const seen = {};
    let text = `${Date.now()}\n`;
    for (const c of form.querySelectorAll('input,select,textarea')) {
      if (!kept(c)) continue;
      let name = c.id;
      if (!name) {
        const cls = c.classList[0];
        if (!cls) continue;
        seen[cls] = (seen[cls] || 0) + 1;
        name = `${cls}#${seen[cls] - 1}`;
      }
      const value = c.type === 'checkbox' ? (c.checked ? '1' : '') : c.value;
      text += name + VALUE + value.replaceAll(FIELD, ' ').replaceAll(VALUE, ' ') + FIELD;
    }
    return text;
  }

  function flush() {
    clearTimeout(timer);
    for (const [key, text] of waiting) write(key, text);
    waiting.clear();
  }

  function changed(form) {
    const key = form.dataset.draft;
    if (!key || form.hasAttribute('data-draft-off')) return;
    unsaved.add(key);
    waiting.set(key, read(form));
    clearTimeout(timer);
    timer = setTimeout(flush, WRITE_AFTER_MS);
  }

  function find(form, name) {
    const [cls, n] = name.split('#');
    return n === undefined ? document.getElementById(name) : form.querySelectorAll(`.${cls}`)[Number(n)];
  }

  // Until the page has rendered what the last event changed.
  const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

  // Puts a draft back through the events typing raises, so the form's own handlers run.
  async function fill(formId, text) {
    const form = document.getElementById(formId);
    if (!form) return;
    for (const field of text.split(FIELD)) {
      const at = field.indexOf(VALUE);
      if (at < 0) continue;
      const name = field.slice(0, at);
      const value = field.slice(at + 1);
      let c = find(form, name);
      if (!c && name.includes('#')) {
        // A repeated row the draft had: added as the worker did.
        form.querySelector('[data-draft-add]')?.click();
        await pause();
        c = find(form, name);
      }
      if (!c) continue;
      if (c.type === 'checkbox') c.checked = value !== '';
      else c.value = value;
      for (const kind of ['input', 'change']) c.dispatchEvent(new Event(kind, { bubbles: true }));
      // What depends on a choice (the houses of a village) renders before the next field.
      if (c.tagName === 'SELECT') await pause();
    }
  }

  const on = (ev) => {
    const form = ev.target.closest?.('form[data-draft]');
    if (!form) return;
    if (ev.type !== 'click') {
      if (kept(ev.target)) changed(form);
    } else if (ev.target.closest('[data-draft-pick],[data-draft-add]')) {
      // After the click's own handler has changed the page.
      setTimeout(() => changed(form), 0);
    }
  };
  for (const kind of ['input', 'change', 'click']) addEventListener(kind, on);
  addEventListener('beforeunload', (ev) => {
    flush();
    if (unsaved.size) ev.preventDefault();
  });

  window.pinganDraft = {
    // `write(key, text)` keeps a draft (empty text: none).
    // `writer` null: the workspace closed; nothing to keep drafts in until the next unlock.
    listen(writer) {
      write = writer ?? (() => {});
    },
    fill,
    unsaved: () => unsaved.size > 0,
    // Leaving the forms on screen: their drafts are written now, and no longer unsaved.
    leave() {
      flush();
      unsaved.clear();
    },
    // A draft not yet written, if any.
    waiting: (key) => waiting.get(key),
    saved(key) {
      unsaved.delete(key);
      waiting.delete(key);
      write(key, '');
    },
  };
})();

// The recovery screen and crash reports (decision 20). The shipped wasm stops at a panic
// without a word (decision 18): the module traps (WebAssembly.RuntimeError "unreachable") and
// the screen freezes. This catches that and any error the app leaves unhandled, covers the
// page with a notice that saved records are safe and a button to reopen, and keeps a report
// for the next sync to upload (app/src/crash.rs). A report says where the app stopped, never
// what was typed: no error message except a trap's, which the engine words.
// A classic script, run before the app's module, so it also catches a failed start.
(() => {
  const KEY = 'pingan.crashes';
  const KEPT = 10;
  const FRAMES = 64;
  Error.stackTraceLimit = FRAMES;
  let crashed = false;

  const plain = (text, allowed, max) => String(text ?? '').replace(allowed, '').slice(0, max);

  function report(error, source) {
    const trap = error instanceof WebAssembly.RuntimeError;
    const tab = document.querySelector('.tabs .tab.active');
    const frames = [];
    // Chromium: `wasm://wasm/<hash>:wasm-function[123]:0x4567`; Firefox: `wasm-function[123]:0x4567`.
    for (const found of String(error?.stack ?? '').matchAll(/wasm-function\[(\d+)\]:0x([0-9a-f]+)/g)) {
      if (frames.length < FRAMES) frames.push([Number(found[1]), parseInt(found[2], 16)]);
    }
    return {
      build: plain(document.querySelector('meta[name="pingan-build"]')?.content, /[^0-9a-z]/gi, 32) || 'unknown',
      at_ms: Date.now(),
      screen: tab ? tab.id : document.getElementById('login-username') ? 'login' : 'start',
      kind: trap ? 'wasm-trap' : plain(error?.name, /[^\w-]/g, 64) || source,
      detail: trap ? plain(error.message, /[^\w ().,:-]/g, 100) : '',
      frames,
    };
  }

  function keep(line) {
    try {
      const kept = (localStorage.getItem(KEY) || '').split('\n').filter(Boolean);
      kept.push(line);
      localStorage.setItem(KEY, kept.slice(-KEPT).join('\n'));
    } catch {
      // Storage full or refused: the worker still sees the screen below.
    }
  }

  function show() {
    const cover = document.createElement('div');
    cover.id = 'crash-screen';
    cover.setAttribute('role', 'alertdialog');
    cover.className = 'fatal'; // the app's own styles: style.css loads before this runs
    cover.style.cssText = 'position:fixed;inset:0;z-index:99;overflow:auto;background:#fff';
    cover.innerHTML = '<h1>应用出错了</h1><p>本应用遇到错误，已停止运行。'
      + '<strong>已保存的记录都安全地保存在本机</strong>，不会丢失；尚未保存的内容需要重新填写。</p>'
      + '<p>错误报告（不含记录内容）将在下次同步时发送。</p>'
      + '<button id="crash-reopen" type="button">重新打开</button>';
    cover.querySelector('button').addEventListener('click', () => location.reload());
    document.body.append(cover);
    cover.querySelector('button').focus();
  }

  function crash(error, source) {
    // Once stopped, later errors are echoes of the first; another origin's are not ours.
    if (crashed || /-extension:\/\//.test(error?.stack)) return;
    crashed = true;
    keep(JSON.stringify(report(error, source)));
    show();
  }

  // An `error` event without an error object is a resource or a foreign script, not the app.
  addEventListener('error', (event) => event.error != null && crash(event.error, 'error'));
  addEventListener('unhandledrejection', (event) => crash(event.reason, 'rejection'));
})();

// Screenshots of every screen of both bundles (`screens.mjs`) at 390 px and 1366 px, on the
// demo township, for the README: `cargo xtask screenshots` (which builds what is needed and
// runs this), or by hand after `cargo xtask dist` and building the server:
//   PINGAN_SERVER_BIN=target/debug/pingan-server PINGAN_ASSETS=target/dist node tests/browser/screenshots.mjs
// Writes docs/screenshots/<screen>-<width>.png: the window as the person sees it (no
// full-page captures: lists run to hundreds of rows), scrolled to the screen's subject, at
// one device pixel per CSS pixel to keep the files small, in a browser set to Chinese. Needs
// a Chinese font with a bold face (Debian fonts-noto-cjk) and Chromium's Chinese translation
// (chromium-l10n), which `cargo xtask screenshots` installs. With LibreOffice and pdftoppm
// (libreoffice-calc-nogui, poppler-utils) it also prints the dispute ledger's XLSX as
// office-ledger.png; without them it says so.
// Files in docs/screenshots/ that no screen writes any more are deleted, and the README's
// gallery (between its `screenshots:start` and `screenshots:end` marks) is written anew from
// the list of screens.

import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TestServer, launchChromium, openOffice } from './support.mjs';
import { SCREENS, VIEWPORTS, prepare, walk } from './screens.mjs';

const run = promisify(execFile);
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '../..');
const out = path.join(root, 'docs/screenshots');
const LEDGER = 'office-ledger.png';
await mkdir(out, { recursive: true });

async function onPath(program) {
  try {
    await run('sh', ['-c', `command -v ${program}`]);
    return true;
  } catch {
    return false;
  }
}

/** The dispute ledger of 2022 as the office downloads it, opened in LibreOffice and printed. */
async function ledger(browser, server) {
  const missing = [];
  for (const program of ['libreoffice', 'pdftoppm']) if (!(await onPath(program))) missing.push(program);
  if (missing.length) {
    console.log(`note: ${missing.join(' and ')} not installed: ${LEDGER} kept as it was (apt-get install libreoffice-calc-nogui poppler-utils to redraw it)`);
    return;
  }
  const cleanups = [];
  const t = { after: (fn) => cleanups.push(fn) };
  try {
    const { page } = await openOffice(browser, server, t, { acceptDownloads: true, locale: 'zh-CN' });
    await page.locator('#tab-ledgers').click();
    for (const [id, value] of [['#ledger-from', '2022-01-01'], ['#ledger-to', '2022-12-31']]) {
      await page.locator(id).fill(value);
      await page.locator(id).dispatchEvent('change');
    }
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#ledgers li[data-ledger="disputes"] button.xlsx').click(),
    ]);
    const work = await mkdtemp(path.join(tmpdir(), 'pingan-ledger-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    const xlsx = path.join(work, 'disputes.xlsx');
    await download.saveAs(xlsx);
    await run('libreoffice', ['--headless', '--convert-to', 'pdf', '--outdir', work, xlsx], { timeout: 120_000 });
    // The top of the first page, where the title and the rows are, at a readable size.
    await run('pdftoppm', [
      '-png', '-r', '160', '-f', '1', '-l', '1', '-x', '0', '-y', '60', '-W', '1870', '-H', '420', '-singlefile',
      path.join(work, 'disputes.pdf'), path.join(work, 'ledger'),
    ]);
    await copyFile(path.join(work, 'ledger.png'), path.join(out, LEDGER));
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

/** The README's gallery: a row per screen, its picture at each width, small. */
async function gallery() {
  const readme = path.join(root, 'README.md');
  const text = await readFile(readme, 'utf8');
  const [start, end] = ['<!-- screenshots:start -->', '<!-- screenshots:end -->'];
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) {
    console.log(`note: README.md has no ${start} … ${end} marks: gallery not written`);
    return;
  }
  const shown = { 390: 160, 1366: 420 };
  const rows = ['field', 'office'].flatMap((bundle) => [
    `| **${bundle === 'field' ? '村（居）综治专干的手机 · 入户登记' : '镇综治办 · office.html'}** | | |`,
    ...SCREENS.filter((s) => s.bundle === bundle).map((screen) => {
      const cells = VIEWPORTS.map(({ width }) => {
        const file = `docs/screenshots/${screen.name}-${width}.png`;
        return `<a href="${file}"><img src="${file}" width="${shown[width]}" alt="${screen.title}，${width} px"></a>`;
      });
      return `| ${screen.title} | ${cells.join(' | ')} |`;
    }),
  ]);
  const table = ['| 画面 | 390 px（手机） | 1366 px（电脑） |', '| --- | --- | --- |', ...rows].join('\n');
  await writeFile(readme, `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`);
  console.log('README.md gallery written');
}

const server = await TestServer.start();
const browser = await launchChromium({ lang: 'zh-CN' });
const written = new Set([LEDGER]);
try {
  const fixture = await server.explain(() => prepare(browser, server));
  for (const bundle of ['field', 'office']) {
    for (const viewport of VIEWPORTS) {
      await server.explain(() => walk(browser, server, bundle, viewport, fixture, async (screen, page) => {
        const file = `${screen.name}-${viewport.width}.png`;
        // Nothing blinking or half-drawn: the caret hidden, animations finished.
        await page.screenshot({ path: path.join(out, file), fullPage: false, caret: 'hide', animations: 'disabled' });
        written.add(file);
        const { size } = await stat(path.join(out, file));
        console.log(`${file.padEnd(34)} ${String(Math.round(size / 1024)).padStart(4)} KB  ${screen.title}`);
      }));
    }
  }
  await ledger(browser, server);
  for (const file of await readdir(out)) {
    if (file.endsWith('.png') && !written.has(file)) {
      await rm(path.join(out, file));
      console.log(`removed ${file}: no screen writes it`);
    }
  }
  await gallery();
  const expected = SCREENS.length * VIEWPORTS.length;
  console.log(`${written.size - 1} of ${expected} screenshots written to ${out}`);
} finally {
  await browser.close();
  await server.cleanup();
}

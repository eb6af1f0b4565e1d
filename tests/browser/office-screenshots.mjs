// Desktop screenshots of the township office's screens, and of a ledger as a spreadsheet
// program opens it, for the README:
//   PINGAN_SERVER_BIN=target/debug/pingan-server PINGAN_ASSETS=target/dist node tests/browser/office-screenshots.mjs
// (after `cargo xtask dist` and building the server). Needs Chinese fonts (Debian
// fonts-wqy-zenhei) and, for the ledger, LibreOffice and pdftoppm (libreoffice-calc-nogui,
// poppler-utils). Writes docs/screenshots/office-*.png.

import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  TestServer, conflictingAddresses, editHouseholdAddress, launchChromium, openApp, openOffice,
  syncNow, openHouseholdForm,
} from './support.mjs';

const run = promisify(execFile);
const out = path.join(path.dirname(new URL(import.meta.url).pathname), '../../docs/screenshots');
await mkdir(out, { recursive: true });
const server = await TestServer.start();
await server.addWorker('worker01b', '新民村网格员', 'v01');
const browser = await launchChromium();
const cleanups = [];
const t = { after: (fn) => cleanups.push(fn) };
const HEAD = '诸葛春生';

const editAddress = (page, address) => editHouseholdAddress(page, HEAD, address);

try {
  const phone = await openApp(browser, server, t, 'worker01');
  await openHouseholdForm(phone.page);
  await phone.page.locator('#household-group').fill('4组');
  await phone.page.locator('#household-address').fill('新民村4组16号');
  await phone.page.locator('#household-head').fill(HEAD);
  await phone.page.locator('#household-add').click();
  await phone.page.locator('#household-form .notice').filter({ hasText: '已保存' }).waitFor();
  await syncNow(phone.page);

  const { page } = await openOffice(browser, server, t, { viewport: { width: 1280, height: 860 }, locale: 'zh-CN', acceptDownloads: true });
  const shot = (name, options = {}) => page.screenshot({ path: path.join(out, `office-${name}.png`), ...options });
  await page.locator('#queue-list li').first().waitFor();
  await shot('queue');

  // Approved, then changed on the phone and, concurrently, on a second phone.
  const openRecord = async () => {
    await page.locator('#tab-review').click();
    await page.locator('#queue-list li').filter({ hasText: HEAD }).filter({ hasText: '住户' }).click();
    await page.locator('#record-review').waitFor();
  };
  await openRecord();
  await page.locator('#approve').click();
  await page.locator('#review-queue').waitFor();
  await editAddress(phone.page, '新民村4组18号');
  await syncNow(phone.page);
  const second = await openApp(browser, server, t, 'worker01b');
  await conflictingAddresses([phone, second], HEAD, ['新民村4组20号', '新民村4组22号']);
  await openRecord();
  await page.locator('#conflicts').waitFor();
  await page.locator('#history-show').click();
  await page.locator('#history-steps li').nth(2).waitFor();
  // Tall enough for the whole page: a full-page capture would paint the sticky sync bar
  // over the middle.
  await page.setViewportSize({ width: 1280, height: 1600 });
  await shot('review');
  await page.setViewportSize({ width: 1280, height: 860 });

  await page.locator('#tab-dashboard').click();
  await page.locator('#chase-list li').first().waitFor();
  await shot('dashboard');

  await page.locator('#tab-statistics').click();
  for (const [id, value] of [['#stats-from', '2022-01-01'], ['#stats-to', '2022-12-31']]) {
    await page.locator(id).fill(value);
    await page.locator(id).dispatchEvent('change');
  }
  await page.locator('#chart-trend').waitFor();
  await page.setViewportSize({ width: 1280, height: 1700 });
  await shot('statistics');
  await page.setViewportSize({ width: 1280, height: 860 });

  // The dispute ledger of 2022, opened in LibreOffice and printed to an image.
  await page.locator('#tab-ledgers').click();
  for (const [id, value] of [['#ledger-from', '2022-01-01'], ['#ledger-to', '2022-12-31']]) {
    await page.locator(id).fill(value);
    await page.locator(id).dispatchEvent('change');
  }
  await shot('ledgers');
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
  await copyFile(path.join(work, 'ledger.png'), path.join(out, 'office-ledger.png'));
  console.log(`screenshots written to ${out}`);
} finally {
  for (const fn of cleanups.reverse()) await fn();
  await browser.close();
  await server.cleanup();
}

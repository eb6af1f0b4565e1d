// The township office's other screens, on the demo township: the disputes dashboard agrees
// with the server; the year's statistics, computed in the browser from the synced records,
// match the server's annual-figures ledger and still show with no network; a person
// registered in two villages is merged; ledgers download as XLSX and CSV, the year-end
// report as Word.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import {
  PASSWORD, TestServer, citizenId, launchChromium, openApp, openOffice, reopen, syncNow, openHouseholdForm,
} from './support.mjs';

const YEAR = { from: '2022-01-01', to: '2022-12-31' };

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** The reviewer's view of the API, straight from Node. */
async function api(server, path) {
  const login = await fetch(`${server.url}api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'reviewer', password: PASSWORD, device_id: 'node-test' }),
  });
  const { token } = await login.json();
  const response = await fetch(`${server.url}${path}`, {
    headers: { Authorization: `Bearer ${token}`, 'X-Pingan-Device': 'node-test' },
  });
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return response;
}

async function setPeriod(page, prefix) {
  await page.locator(`#${prefix}-from`).fill(YEAR.from);
  await page.locator(`#${prefix}-from`).dispatchEvent('change');
  await page.locator(`#${prefix}-to`).fill(YEAR.to);
  await page.locator(`#${prefix}-to`).dispatchEvent('change');
}

/** The township column of the statistics table, label → text. */
async function townshipColumn(page) {
  return page.locator('#figures tbody tr').evaluateAll((rows) => Object.fromEntries(
    rows.map((row) => [row.querySelector('th').textContent.trim(), row.querySelector('td.total').textContent.trim()]),
  ));
}

test('dashboard and statistics agree with the server, and statistics show offline', { timeout: 180_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { context, page, log } = await openOffice(browser, server, t, { acceptDownloads: true });
  await server.explain(async () => {
    // Dashboard: the township row is the server's count; the cases to chase, overdue first.
    const board = await (await api(server, 'api/review/disputes')).json();
    await page.locator('#tab-dashboard').click();
    const total = page.locator('#dispute-board tr.total td');
    await total.first().waitFor();
    const cells = await total.allTextContents();
    const expected = [
      ...['registered', 'mediating', 'closed'].map((s) => board.township.by_status[s] ?? 0),
      ...['group', 'village', 'township', 'above'].map((l) => board.township.open_by_level[l] ?? 0),
      board.township.overdue,
    ].map(String);
    assert.deepEqual(cells, expected);
    const chase = page.locator('#chase-list li');
    assert.equal(await chase.count(), board.chase.length);
    const overdue = await chase.evaluateAll((items) => items.map((li) => li.dataset.overdue === 'true'));
    assert.deepEqual(overdue, [...overdue].sort((a, b) => Number(b) - Number(a)), 'overdue cases come first');

    // Statistics for 2022: every figure of the township equals the server's annual ledger.
    await page.locator('#tab-statistics').click();
    await setPeriod(page, 'stats');
    await page.locator('#figures').waitFor();
    const shown = await townshipColumn(page);
    const csv = (await (await api(server, `api/ledgers/annual-figures.csv?from=${YEAR.from}&to=${YEAR.to}`)).text())
      .replace(/^\uFEFF/, '').trim().split('\n').map((line) => line.split(','));
    const ledger = Object.fromEntries(csv.slice(1).map((row) => [row[0], row.at(-1)]));
    assert.equal(Object.keys(shown).length, Object.keys(ledger).length);
    for (const [label, value] of Object.entries(ledger)) {
      assert.equal(shown[label], value === '—' ? '—' : String(Number(value)), label);
    }
    assert.ok(Number(shown['排查矛盾纠纷（件）']) > 0, 'the demo year has disputes');

    // The bar chart has a bar per village; the trend a column per month of the year.
    assert.equal(await page.locator('#chart-villages .bar').count(), csv[0].length - 2);
    assert.equal(await page.locator('#chart-trend .column').count(), 12);
    const months = await page.locator('#chart-trend .column').evaluateAll((cols) => cols.map((c) => Number(c.dataset.value)));
    assert.equal(String(months.reduce((a, b) => a + b, 0)), shown['排查矛盾纠纷（件）']);
    // Choosing another figure redraws the charts with it.
    await page.locator('#figures tr[data-figure="outreach_visits"]').click();
    await page.locator('#chart-villages figcaption').filter({ hasText: '下访走访' }).waitFor();

    // No network at all: the office bundle opens from the cache and computes the same.
    await context.setOffline(true);
    await server.stop();
    await reopen(page);
    await page.locator('#tab-statistics').click();
    await setPeriod(page, 'stats');
    await page.locator('#figures').waitFor();
    assert.deepEqual(await townshipColumn(page), shown);
  }, log);
});

test('a person registered in two villages is merged, and ledgers download', { timeout: 180_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const id = citizenId('33011019900214002');
  const register = async (user, address, name) => {
    const { page } = await openApp(browser, server, t, user);
    await openHouseholdForm(page);
    await page.locator('#household-group').fill('2组');
    await page.locator('#household-address').fill(address);
    await page.locator('#household-head').fill(name);
    await page.locator('#household-add').click();
    // By the head's name too: the demo township has its own households at such addresses.
    await page.locator('#household-list li').filter({ hasText: address }).filter({ hasText: name }).click();
    await page.locator('#member-name').fill(name);
    await page.locator('#member-relation').selectOption('head');
    await page.locator('#member-citizen-id').fill(id);
    await page.locator('#member-save').click();
    await page.locator('#member-form .notice').filter({ hasText: '已保存' }).waitFor();
    await syncNow(page);
  };
  await register('worker01', '新民村2组88号', '韩雪梅');
  await register('worker02', '百丈村2组99号', '韩雪玫');

  const { page, log } = await openOffice(browser, server, t, { acceptDownloads: true });
  await server.explain(async () => {
    await page.locator('#tab-duplicates').click();
    const group = page.locator(`.duplicate-group[data-citizen-id="${id}"]`);
    await group.waitFor();
    const rows = group.locator('tbody tr');
    assert.equal(await rows.count(), 2);
    // Keep the second registration, with the name as the first one wrote it.
    const keep = rows.filter({ hasText: '韩雪玫' });
    await keep.locator('input.keep').check();
    await rows.filter({ hasText: '韩雪梅' }).locator('td.take[data-field="name"]').click();
    await group.locator('button.merge').click();
    await page.locator('#merge-outcome').filter({ hasText: '已合并 1 条记录' }).waitFor();
    await group.waitFor({ state: 'detached' });
    assert.deepEqual(await (await api(server, 'api/review/duplicates')).json(), []);

    // Ledgers: the file the browser saves is the server's XLSX (a zip) and CSV.
    await page.locator('#tab-ledgers').click();
    await setPeriod(page, 'ledger');
    const row = page.locator('#ledgers li[data-ledger="floating-residents"]');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), row.locator('button.xlsx').click()]);
    assert.equal(xlsx.suggestedFilename(), `流动人口登记台账_${YEAR.from}至${YEAR.to}.xlsx`);
    const bytes = await readFile(await xlsx.path());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX is a zip');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#ledgers li[data-ledger="disputes"] button.csv').click(),
    ]);
    const text = (await readFile(await csv.path(), 'utf8')).replace(/^\uFEFF/, '');
    assert.match(text.split('\n')[0], /^村（居）,/);
    assert.ok(text.trim().split('\n').length > 1, 'the demo year has disputes');

    // The year-end report: a year that cannot be is said in the clerk's words, unsent; the
    // demo year downloads as a Word document (a zip).
    const reportYear = page.locator('#report-year');
    await reportYear.fill('1999');
    await reportYear.press('Tab');
    await page.locator('#report-download').click();
    await page.locator('#annual-report .field-error').filter({ hasText: '年度应为2000到2100之间的年份' }).waitFor();
    await reportYear.fill(YEAR.from.slice(0, 4));
    await reportYear.press('Tab');
    const [report] = await Promise.all([page.waitForEvent('download'), page.locator('#report-download').click()]);
    assert.equal(report.suggestedFilename(), `${YEAR.from.slice(0, 4)}年度平安建设工作总结报告.docx`);
    const docx = await readFile(await report.path());
    assert.equal(docx.subarray(0, 2).toString(), 'PK', 'a .docx is a zip');
    assert.equal(await page.locator('#annual-report .field-error').count(), 0, 'the earlier problem is gone');
  }, log);
});

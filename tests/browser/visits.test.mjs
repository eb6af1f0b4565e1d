// Outreach visits (下访走访) with no signal: the households visited, the problems raised and
// what became of each; later one problem is marked resolved. Then synced and checked on a
// second device of the village, which downloads the visit from the server.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestServer, comeBackAndSync, goOffline, launchChromium, openApp, openHouseholdForm } from './support.mjs';

const ADDRESS = '新民村6组1号';
const HEAD = '慕容秋生';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('an outreach visit with its problems and their resolution, recorded offline, reaches the server', { timeout: 180_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { context, page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    await goOffline(context, page, server);
    await openHouseholdForm(page);
    await page.locator('#household-group').fill('6组');
    await page.locator('#household-address').fill(ADDRESS);
    await page.locator('#household-head').fill(HEAD);
    await page.locator('#household-add').click();
    await page.locator('#household-form .notice').filter({ hasText: '已保存' }).waitFor();

    await page.locator('#tab-visits').click();
    await page.locator('#visit-new').click();
    await page.locator('#visit-visitors').fill('');
    await page.locator('#visit-save').click();
    await page.locator('#visit-form [data-field="visitors"]').filter({ hasText: '请填写走访人员' }).waitFor();
    await page.locator('#visit-visitors').fill('镇综治办刘主任、新民村综治专干');

    await page.locator('#visit-household-search').fill(HEAD.slice(0, 3));
    await page.locator('#visit-candidates li').filter({ hasText: ADDRESS }).click();
    await page.locator('#visit-households li').filter({ hasText: ADDRESS }).waitFor();

    await page.locator('#visit-add-problem').click();
    const first = page.locator('.raised[data-index="0"]');
    await first.locator('.problem-summary').fill('村道路灯损坏，夜间出行不便');
    await first.locator('.problem-category').fill('道路');
    await first.locator('.problem-outcome').selectOption('waiting_on_department');
    await page.locator('#visit-save').click();
    await page.locator('#visit-form [data-field="problems[0].department"]').filter({ hasText: '须写明部门' }).waitFor();
    await first.locator('.problem-department').fill('镇城建办');

    await page.locator('#visit-add-problem').click();
    const second = page.locator('.raised[data-index="1"]');
    await second.locator('.problem-summary').fill('低保申请材料不清楚');
    await second.locator('.problem-category').fill('惠农政策');
    await second.locator('.problem-outcome').selectOption('resolved_on_spot');
    await page.locator('#visit-save').click();
    await page.locator('#visit-form .notice').filter({ hasText: '已保存走访记录' }).waitFor();

    await page.locator('.back').click();
    const row = page.locator('#visit-list li[data-synced="false"]').first();
    await row.filter({ hasText: '走访 1 户 · 问题 2 件 · 未解决 1 件' }).waitFor();

    // The street light was fixed: the same visit, its problem now resolved.
    await row.click();
    await page.locator('.raised[data-index="0"] .problem-outcome').selectOption('resolved_on_spot');
    await page.locator('#visit-save').click();
    await page.locator('#visit-form .notice').filter({ hasText: '已保存走访记录' }).waitFor();
    await page.locator('.back').click();
    await page.locator('#visit-list li').first().filter({ hasText: '未解决 0 件' }).waitFor();

    await comeBackAndSync(context, page, server);

    const other = await openApp(browser, server, t);
    await other.page.locator('#tab-visits').click();
    const downloaded = other.page.locator('#visit-list li[data-synced="true"]').filter({ hasText: '刘主任' });
    await downloaded.filter({ hasText: '问题 2 件 · 未解决 0 件' }).waitFor();
    await downloaded.click();
    await other.page.locator('#visit-households li').filter({ hasText: ADDRESS }).waitFor();
    assert.equal(await other.page.locator('.raised[data-index="0"] .problem-department').inputValue(), '镇城建办');
  }, log);
});

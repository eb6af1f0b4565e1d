// Rental houses (出租房屋) with no signal: registered with the security-responsibility letter
// and a safety check done today, a tenant registered into it, then synced and checked on a
// second device of the village, which downloads it from the server.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestServer, comeBackAndSync, goOffline, launchChromium, openApp } from './support.mjs';

const ADDRESS = '新民村2组16号';
const LANDLORD = '上官富贵';
const TENANT = '诸葛小明';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('a rental house with its letter, safety check and tenant, registered offline, reaches the server', { timeout: 180_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { context, page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    await goOffline(context, page, server);
    await page.locator('#tab-rental').click();
    await page.locator('#rental-new').click();

    await page.locator('#rental-rooms').fill('十');
    await page.locator('#rental-save').click();
    await page.locator('#rental-form [data-field="address"]').filter({ hasText: '请填写房屋地址' }).waitFor();
    await page.locator('#rental-form [data-field="landlord_name"]').filter({ hasText: '请填写房东姓名' }).waitFor();
    await page.locator('#rental-form [data-field="rooms"]').filter({ hasText: '出租间数' }).waitFor();

    await page.locator('#rental-address').fill(ADDRESS);
    await page.locator('#rental-landlord').fill(LANDLORD);
    await page.locator('#rental-landlord-phone').fill('13566667777');
    await page.locator('#rental-rooms').fill('4');
    await page.locator('#rental-letter-today').click();
    await page.locator('#rental-check-today').click();
    const today = await page.locator('#rental-check').inputValue();
    assert.match(today, /^\d{4}-\d{2}-\d{2}$/);
    await page.locator('#rental-save').click();
    await page.locator('#rental-form .notice').filter({ hasText: `已保存：${ADDRESS}` }).waitFor();

    // A tenant registered door to door into this house.
    await page.locator('#tab-floating').click();
    await page.locator('#floating-new').click();
    await page.locator('#floating-name').fill(TENANT);
    await page.locator('#floating-origin').fill('贵州省');
    const option = page.locator('#floating-house option').filter({ hasText: ADDRESS });
    await option.waitFor({ state: 'attached' });
    await page.locator('#floating-house').selectOption(await option.getAttribute('value'));
    await page.locator('#floating-save').click();
    await page.locator('#floating-form .notice').filter({ hasText: `已保存：${TENANT}` }).waitFor();

    await page.locator('#tab-rental').click();
    await page.locator('#rental-search').fill(LANDLORD.slice(0, 2));
    const row = page.locator('#rental-list li').filter({ hasText: ADDRESS });
    await row.filter({ hasText: '租户 1 人' }).filter({ hasText: '已签责任书' }).filter({ hasText: `安全检查 ${today}` }).waitFor();
    await row.click();
    await page.locator('#tenant-list li').filter({ hasText: TENANT }).waitFor();

    await comeBackAndSync(context, page, server);

    const other = await openApp(browser, server, t);
    await other.page.locator('#tab-rental').click();
    await other.page.locator('#rental-search').fill(ADDRESS);
    const downloaded = other.page.locator('#rental-list li[data-synced="true"]').filter({ hasText: ADDRESS });
    await downloaded.filter({ hasText: '租户 1 人' }).filter({ hasText: '已签责任书' }).waitFor();
    await downloaded.click();
    await other.page.locator('#tenant-list li').filter({ hasText: TENANT }).waitFor();
    assert.equal(await other.page.locator('#rental-letter').inputValue(), today);
  }, log);
});

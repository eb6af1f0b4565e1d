// Two workers of one village edit the same household with no signal — one changes the
// security contact's phone, the other adds a member — and after both sync, both phones (and
// the server) have both edits: edits are Automerge changes, not rewrites of the record.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestServer, launchChromium, openApp, syncNow, openHouseholdForm } from './support.mjs';

const ADDRESS = '新民村9组21号';
const HEAD = '司马长青';
const PHONE = '13655556666';
const MEMBER = '司马小雨';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function openHousehold(page) {
  await page.locator('#tab-households').click();
  await page.locator('#household-search').fill(ADDRESS);
  await page.locator('#household-list li').filter({ hasText: ADDRESS }).click();
  await page.locator('#household-detail').waitFor();
}

test('two workers edit one household offline and both end with both edits', { timeout: 180_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  await server.addWorker('worker01b', '新民村网格员', 'v01');
  const first = await openApp(browser, server, t, 'worker01');
  const second = await openApp(browser, server, t, 'worker01b');
  await server.explain(async () => {
    // The household exists on both phones.
    await openHouseholdForm(first.page);
    await first.page.locator('#household-group').fill('9组');
    await first.page.locator('#household-address').fill(ADDRESS);
    await first.page.locator('#household-head').fill(HEAD);
    await first.page.locator('#household-add').click();
    await first.page.locator('#household-form .notice').filter({ hasText: '已保存' }).waitFor();
    await syncNow(first.page);
    await syncNow(second.page);

    await first.context.setOffline(true);
    await second.context.setOffline(true);

    await openHousehold(first.page);
    await first.page.locator('#edit-contact-name').fill(HEAD);
    await first.page.locator('#edit-contact-phone').fill(PHONE);
    await first.page.locator('#household-save').click();
    await first.page.locator('#household-edit-form .notice').filter({ hasText: '已保存' }).waitFor();

    await openHousehold(second.page);
    await second.page.locator('#member-name').fill(MEMBER);
    await second.page.locator('#member-relation').selectOption('child');
    await second.page.locator('#member-save').click();
    await second.page.locator('#member-list li').filter({ hasText: MEMBER }).waitFor();

    await first.context.setOffline(false);
    await second.context.setOffline(false);
    await syncNow(first.page);
    await syncNow(second.page);
    await syncNow(first.page);

    for (const { page } of [first, second]) {
      await openHousehold(page);
      await page.locator('#member-list li').filter({ hasText: MEMBER }).filter({ hasText: '子女' }).waitFor();
      await page.waitForFunction((phone) => document.querySelector('#edit-contact-phone')?.value === phone, PHONE);
    }

    // And the server: a third phone starting empty downloads both edits.
    const third = await openApp(browser, server, t, 'worker01');
    await openHousehold(third.page);
    await third.page.locator('#member-list li').filter({ hasText: MEMBER }).waitFor();
    assert.equal(await third.page.locator('#edit-contact-phone').inputValue(), PHONE);
  }, [...first.log, ...second.log]);
});

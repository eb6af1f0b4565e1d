// Floating residents (流动人口) at the door with no signal: the ID number fills sex, birth
// date and origin; the rented house is created or picked on the spot; the same number typed
// again is flagged at once as a possible duplicate. Then synced and checked on the server.
// And a record the server refuses (a phone whose clock runs ahead) shows why and is fixed.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  TestServer, citizenId, comeBackAndSync, goOffline, launchChromium, openApp, reopen, synced,
} from './support.mjs';

// Born 1988-05-17 in 四川省成都市双流区 (510122); sequence 123 is odd, so male.
const ID = citizenId('51012219880517123');
const NAME = '孙建华';
const HOUSE = '新民村5组3号';
const LANDLORD = '周福生';
const EMPLOYER = '园区电子厂';
const ROOMMATE = '蒋小勇';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function serverFor(t) {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  return server;
}

test('a floating resident registered offline with a new rented house reaches the server', { timeout: 180_000 }, async (t) => {
  const server = await serverFor(t);
  const { context, page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    await goOffline(context, page, server);
    await page.locator('#tab-floating').click();
    await page.locator('#floating-new').click();

    // A mistyped number is explained at once, before saving.
    await page.locator('#floating-citizen-id').fill(ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0'));
    await page.locator('#floating-form [data-field="citizen_id"]').filter({ hasText: '校验不通过' }).waitFor();

    await page.locator('#floating-citizen-id').fill(ID);
    const derived = page.locator('#floating-derived');
    await derived.filter({ hasText: '男' }).filter({ hasText: '1988-05-17' }).filter({ hasText: '四川省成都市双流区' }).waitFor();
    assert.equal(await page.locator('#floating-origin').inputValue(), '四川省成都市双流区');
    assert.equal(await page.locator('#duplicate-warning').count(), 0, 'a new number is no duplicate');

    // Saving with the new house half filled in changes nothing and names the field.
    await page.locator('#floating-name').fill(NAME);
    await page.locator('#floating-phone').fill('13700001111');
    await page.locator('#floating-employer').fill(EMPLOYER);
    await page.locator('#floating-house').selectOption('new');
    await page.locator('#house-address').fill(HOUSE);
    await page.locator('#floating-save').click();
    await page.locator('#floating-form [data-field="house.landlord_name"]').filter({ hasText: '房东' }).waitFor();
    await page.locator('#house-landlord').fill(LANDLORD);
    await page.locator('#house-rooms').fill('3');
    await page.locator('#floating-save').click();
    await page.locator('#floating-form .notice').filter({ hasText: `已保存：${NAME}` }).waitFor();
    assert.equal(await page.locator('#floating-citizen-id').inputValue(), '', 'the form is ready for the next door');

    // The same number again: warned at once, offline, with the existing record.
    await page.locator('#floating-citizen-id').fill(ID.toLowerCase());
    const warning = page.locator('#duplicate-warning');
    await warning.filter({ hasText: NAME }).filter({ hasText: '13700001111' }).waitFor();

    // A roommate without an ID number yet, in the house just created.
    await page.locator('#floating-citizen-id').fill('');
    await warning.waitFor({ state: 'detached' });
    await page.locator('#floating-name').fill(ROOMMATE);
    await page.locator('#floating-origin').fill('四川省');
    const houseOption = page.locator('#floating-house option').filter({ hasText: HOUSE });
    await houseOption.waitFor({ state: 'attached' });
    await page.locator('#floating-house').selectOption(await houseOption.getAttribute('value'));
    await page.locator('#floating-save').click();
    await page.locator('#floating-form .notice').filter({ hasText: `已保存：${ROOMMATE}` }).waitFor();

    // The warning opens the existing record.
    await page.locator('#floating-citizen-id').fill(ID);
    await warning.locator('.duplicate-open').first().click();
    await page.waitForFunction((name) => document.querySelector('#floating-name')?.value === name, NAME);
    assert.equal(await page.locator('#floating-employer').inputValue(), EMPLOYER);

    await reopen(page);
    await page.locator('#tab-floating').click();
    for (const who of [NAME, ROOMMATE]) {
      await page.locator('#floating-list li[data-synced="false"]').filter({ hasText: who }).waitFor();
    }

    await comeBackAndSync(context, page, server);
    await page.locator('#floating-list li[data-synced="true"]').filter({ hasText: NAME }).waitFor();

    // What the server holds, as a second device of the village downloads it.
    const other = await openApp(browser, server, t);
    await other.page.locator('#tab-floating').click();
    await other.page.locator('#floating-search').fill(ID.slice(-8));
    await other.page.locator('#floating-list li').filter({ hasText: NAME }).click();
    await other.page.waitForFunction((id) => document.querySelector('#floating-citizen-id')?.value === id, ID);
    assert.equal(await other.page.locator('#floating-origin').inputValue(), '四川省成都市双流区');
    assert.equal(await other.page.locator('#floating-employer').inputValue(), EMPLOYER);
    const house = other.page.locator('#floating-house');
    await other.page.waitForFunction(() => document.querySelector('#floating-house')?.value !== '');
    const chosen = await house.evaluate((select) => select.options[select.selectedIndex].textContent);
    assert.match(chosen, new RegExp(`${HOUSE}.*${LANDLORD}`));
  }, log);
});

test('a record the server refuses shows the reason and is fixed on the device', { timeout: 180_000 }, async (t) => {
  const server = await serverFor(t);
  // The phone's clock is three days ahead, so "arrived today" is a future date to the server.
  const { page, log } = await openApp(browser, server, t, 'worker01', { clockAheadMs: 3 * 86_400_000 });
  await server.explain(async () => {
    await page.locator('#tab-floating').click();
    await page.locator('#floating-new').click();
    await page.locator('#floating-name').fill(NAME);
    await page.locator('#floating-origin').fill('四川省');
    await page.locator('#floating-save').click();
    await page.locator('#floating-form .notice').filter({ hasText: `已保存：${NAME}` }).waitFor();

    await page.locator('#sync-now').click();
    const refused = page.locator('#refused-list li').filter({ hasText: NAME });
    await refused.filter({ hasText: '来本地日期不能晚于今天' }).waitFor({ timeout: 30_000 });
    await page.locator('#tab-floating').click();
    await page.locator('#floating-list li').filter({ hasText: NAME }).filter({ hasText: '需更正' }).waitFor();

    await refused.locator('.fix').click();
    await page.locator('#floating-form .needs-correction').filter({ hasText: '来本地日期不能晚于今天' }).waitFor();
    await page.locator('#floating-arrival').fill('2024-01-15');
    await page.locator('#floating-save').click();
    await page.locator('#floating-form .notice').filter({ hasText: '已保存' }).waitFor();

    await page.locator('#sync-now').click();
    await synced(page);
    await page.locator('#refused').waitFor({ state: 'detached' });

    const other = await openApp(browser, server, t);
    await other.page.locator('#tab-floating').click();
    await other.page.locator('#floating-search').fill(NAME);
    await other.page.locator('#floating-list li').filter({ hasText: NAME }).filter({ hasText: '2024-01-15' }).waitFor();
  }, log);
});

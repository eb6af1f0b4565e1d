// The field forms as a village worker meets them at 390 px, offline (issue 15): the ID check
// never gives away the expected last digit and full-width digits are the same number; a
// refusal is red and read out; the next floating resident does not inherit the previous
// one's arrival date; the rental-house picker is sorted and searchable; visit problems are
// labelled and one added by mistake can be removed; syncing with no signal says so in
// Chinese; a 征地拆迁纠纷 row does not wrap one character per line.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestServer, citizenId, goOffline, launchChromium, openApp } from './support.mjs';

const ID = citizenId('51011619880517003');

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** No Latin letters where a worker reads a message. */
function chineseOnly(text, what) {
  assert.doesNotMatch(text, /[A-Za-z]{3,}/, `${what} is in Chinese: ${text}`);
}

test('the forms say what is wrong in Chinese, beside the field, and never carry over a stale date', { timeout: 180_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { context, page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    await goOffline(context, page, server);

    // 立即同步 with no signal: the reason in Chinese, no "(Failed to fetch)".
    await page.locator('#sync-now').click();
    const status = page.locator('#sync-status');
    await status.filter({ hasText: '网络不通' }).waitFor();
    chineseOnly(await status.innerText(), 'the sync bar');

    await page.locator('#tab-floating').click();
    await page.locator('#floating-new').click();

    // A wrong check digit: told to check the whole number, not which digit would pass.
    const wrong = ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0');
    await page.locator('#floating-citizen-id').fill(wrong);
    const idError = page.locator('#floating-form [data-field="citizen_id"]');
    await idError.filter({ hasText: '校验不通过' }).waitFor();
    assert.doesNotMatch(await idError.innerText(), /应为|[0-9X]）/, 'the expected check character is not shown');

    // Full-width digits, as a Chinese input method types them, are the same number.
    const fullWidth = [...ID].map((c) => (c === 'X' ? 'Ｘ' : String.fromCharCode(c.charCodeAt(0) + 0xfee0))).join('');
    await page.locator('#floating-citizen-id').fill(fullWidth);
    await page.locator('#floating-derived').filter({ hasText: '1988-05-17' }).waitFor();
    assert.equal(await idError.count(), 0, 'no error for a full-width number');

    // A refusal is red and announced, not a green line.
    await page.locator('#floating-name').fill('');
    await page.locator('#floating-save').click();
    const notice = page.locator('#floating-form .notice');
    await notice.filter({ hasText: '未保存' }).waitFor();
    assert.equal(await notice.getAttribute('role'), 'alert');
    assert.match(await notice.evaluate((el) => getComputedStyle(el).color), /rgb\(183, 28, 28\)/);

    // Two rental houses, created out of address order.
    for (const [name, house, landlord] of [['甲', '新民村9组2号', '周大'], ['乙', '新民村1组5号', '吴二']]) {
      await page.locator('#floating-citizen-id').fill('');
      await page.locator('#floating-name').fill(`租户${name}`);
      await page.locator('#floating-origin').fill('四川省');
      await page.locator('#floating-house').selectOption('new');
      await page.locator('#house-address').fill(house);
      await page.locator('#house-landlord').fill(landlord);
      await page.locator('#floating-save').click();
      await notice.filter({ hasText: `已保存：租户${name}` }).waitFor();
    }

    // The next person: an arrival date typed for them is theirs; after saving, today again.
    const today = await page.locator('#floating-arrival').inputValue();
    await page.locator('#floating-name').fill('租户丙');
    await page.locator('#floating-origin').fill('四川省');
    await page.locator('#floating-arrival').fill('2022-03-01');
    await page.locator('#floating-save').click();
    await notice.filter({ hasText: '已保存：租户丙' }).waitFor();
    assert.equal(await page.locator('#floating-arrival').inputValue(), today, 'the next person starts from today');

    // The picker lists houses by address, and a search narrows it.
    const options = async () => (await page.locator('#floating-house option').allInnerTexts()).filter((o) => o.includes('号'));
    const listed = await options();
    const first = listed.findIndex((o) => o.includes('新民村1组5号'));
    const ninth = listed.findIndex((o) => o.includes('新民村9组2号'));
    assert.ok(first >= 0 && ninth > first, `1组 before 9组: ${listed.join(' | ')}`);
    await page.locator('#floating-house-search').fill('周大');
    await page.waitForFunction(() => [...document.querySelectorAll('#floating-house option')].filter((o) => o.textContent.includes('号')).length === 1);
    assert.match((await options())[0], /新民村9组2号（房东 周大）/);

    // Visit problems: each box labelled; one added by mistake is removed.
    await page.locator('#tab-visits').click();
    await page.locator('#visit-new').click();
    await page.locator('#visit-add-problem').click();
    await page.locator('#visit-add-problem').click();
    const problems = page.locator('.raised');
    assert.equal(await problems.count(), 2);
    const labels = await problems.first().locator('label').allInnerTexts();
    for (const label of ['问题内容', '问题类别', '处理结果', '协调部门']) {
      assert.ok(labels.some((l) => l.startsWith(label)), `a problem has the label ${label}: ${labels}`);
    }
    await problems.nth(1).locator('.problem-remove').click();
    assert.equal(await problems.count(), 1, 'the mistaken problem is gone');
    const add = await page.locator('#visit-add-problem').boundingBox();
    const save = await page.locator('#visit-save').boundingBox();
    assert.ok(save.x >= add.x + add.width + 8 || save.y >= add.y + add.height, '添加问题 and 保存 do not touch');
  }, log);
});

test('a dispute row keeps its summary readable at phone width', { timeout: 120_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    await page.locator('#tab-disputes').click();
    const row = page.locator('#dispute-list li').filter({ hasText: '征地拆迁纠纷' }).first();
    await row.waitFor();
    const summary = await row.locator('.address').boundingBox();
    assert.ok(summary.width >= 150, `the summary has room to read: ${summary.width} px`);
  }, log);
});

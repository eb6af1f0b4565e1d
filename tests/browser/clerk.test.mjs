// The township office as a clerk reads it (issue 15): a record's review shows the words of
// the forms — relations, villages, record types, moments in China time, members by name with
// a link, devices as "worker01 的手机 1" — never internal codes or ids; the queue counts every
// record waiting, stars ID numbers, keeps its filters through a verdict and confirms it; a
// return is asked once more; and a reviewer who returned a record is not shown the worker's
// "请按意见更正" banner after syncing.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestServer, launchChromium, openApp, openOffice, syncNow, openHouseholdForm } from './support.mjs';

const HEAD = '东方明亮';
const SPOUSE = '西门秀英';
const ADDRESS = '新民村6组3号';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** Latin-letter words and long hex or digit runs: what a clerk should never have to read. */
const INTERNAL = /\b(head|spouse|child|person|household|v0\d|worker|true|false|null)\b|[0-9a-f]{16,}|\d{15,}/;

test('a review reads in the words of the forms, the queue keeps its filters, and a return is confirmed', { timeout: 240_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const phone = await openApp(browser, server, t, 'worker01');
  const office = await openOffice(browser, server, t);
  const log = [...phone.log, ...office.log];
  await server.explain(async () => {
    // A worker registers a household with its head and a spouse.
    const p = phone.page;
    await openHouseholdForm(p);
    await p.locator('#household-group').fill('6组');
    await p.locator('#household-address').fill(ADDRESS);
    await p.locator('#household-head').fill(HEAD);
    await p.locator('#household-add').click();
    await p.locator('#household-form .notice').filter({ hasText: '已保存' }).waitFor();
    await p.locator('#household-list li').filter({ hasText: ADDRESS }).click();
    await p.locator('#member-name').fill(SPOUSE);
    await p.locator('#member-relation').selectOption('spouse');
    await p.locator('#member-save').click();
    await p.locator('#member-form .notice').filter({ hasText: `已保存：${SPOUSE}` }).waitFor();
    await syncNow(p);

    const o = office.page;
    // The queue says how many wait in all, not the 500 a page lists.
    await o.locator('#tab-review').click();
    const count = o.locator('#queue-count');
    await count.filter({ hasText: '按修改时间显示最近的 500 条' }).waitFor();
    const total = Number((await count.innerText()).match(/共 (\d+) 条/)[1]);
    assert.ok(total > 1000, `the demo township has over a thousand records waiting, the queue says ${total}`);

    // The count failing leaves the list usable and says so.
    await o.route('**/api/review/queue/count*', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"unavailable","message":"down"}' }));
    await o.locator('#queue-type').selectOption('person');
    await count.filter({ hasText: '总数暂时读不出' }).waitFor();
    assert.ok((await o.locator('#queue-list li').count()) > 0, 'the queue still lists its records');
    await o.unroute('**/api/review/queue/count*');
    await o.locator('#queue-type').selectOption('');
    await count.filter({ hasText: '共 ' }).waitFor();

    // The filters are wide enough to read, and ID numbers in the list are starred.
    for (const id of ['#queue-village', '#queue-type']) {
      const box = await o.locator(id).boundingBox();
      assert.ok(box.width >= 120, `${id} is ${box.width} px wide`);
    }
    await o.locator('#queue-type').selectOption('person');
    await o.locator('#queue-list li').first().waitFor();
    const people = await o.locator('#queue-list').innerText();
    assert.match(people, /\d{6}\*{8}\d{3}[\dX]/, 'ID numbers are shown starred');
    assert.doesNotMatch(people, /\d{17}[\dX]/, 'no whole ID number in the list');

    // Filtered to one village's households, the household opens in the words of the forms.
    await o.locator('#queue-village').selectOption('v01');
    await o.locator('#queue-type').selectOption('household');
    // Clicked only once the list is the filtered one: a row of the list before it may be
    // reused for another record while the click lands.
    await o.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#queue-list li')];
      return rows.length > 0 && rows.every((li) => li.textContent.includes('住户'));
    });
    await o.locator('#queue-list li').filter({ hasText: HEAD }).filter({ hasText: '住户' }).click();
    const review = o.locator('#record-review');
    await review.waitFor();
    const row = (field) => o.locator(`#changes tr[data-field="${field}"]`);
    await row('village').locator('.after').filter({ hasText: '新民村' }).waitFor();
    // The record is named by its heading; its type and data version are not fields to review.
    await o.locator('#record-title').filter({ hasText: `住户：${HEAD}` }).filter({ hasText: '新民村' }).waitFor();
    assert.equal(await o.locator('#changes tr[data-field="type"], #changes tr[data-field="schema_version"]').count(), 0);
    assert.match(await row('created_at_ms').locator('.after').innerText(), /^\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d$/);
    // The 户主 is the first member, the spouse the second.
    await row('members[0].relation').locator('.after').filter({ hasText: '户主' }).waitFor();
    await row('members[1].relation').locator('.after').filter({ hasText: '配偶' }).waitFor();
    const member = row('members[1].person_id').locator('a.ref');
    assert.equal(await member.innerText(), `人员：${SPOUSE}`);
    assert.match(await member.getAttribute('title'), /^[0-9a-f]{32}$/, 'the id is there on hover');
    const author = row('address').locator('.author').first();
    assert.match(await author.innerText(), /^worker01 的手机 1 · \d{4}年/);
    assert.match(await author.getAttribute('title'), /设备编号 /);
    const shown = await review.innerText();
    const words = shown.replace(/worker01/g, '');
    assert.doesNotMatch(words, INTERNAL, `no internal value on the review:\n${shown}`);

    // The link opens the member's own review.
    await member.click();
    await o.locator('#record-review h2').filter({ hasText: '人员' }).waitFor();
    await o.locator('#changes tr[data-field="name"] .after').filter({ hasText: SPOUSE }).waitFor();
    await o.locator('button', { hasText: '返回待审核列表' }).click();

    // Approving returns to the same filtered list, with a confirmation.
    assert.equal(await o.locator('#queue-village').inputValue(), 'v01');
    assert.equal(await o.locator('#queue-type').inputValue(), 'household');
    await o.locator('#queue-list li').filter({ hasText: HEAD }).filter({ hasText: '住户' }).click();
    await o.locator('#approve').click();
    await o.locator('#toast').filter({ hasText: `已审核通过：住户 ${HEAD}` }).waitFor();
    assert.equal(await o.locator('#queue-village').inputValue(), 'v01', 'the village filter is kept');
    assert.equal(await o.locator('#queue-type').inputValue(), 'household', 'the type filter is kept');
    await o.locator('#queue-list li').first().waitFor();
    const listed = await o.locator('#queue-list li .address').allInnerTexts();
    assert.ok(listed.length > 0 && listed.every((text) => text.includes('住户') && text.includes('新民村')), `still the filtered list: ${listed.slice(0, 5).join(' | ')}`);

    // A return is asked once more, with the comment the worker will read.
    await o.locator('#queue-list li').first().click();
    await o.locator('#return').click();
    await o.locator('#verdict [role=alert]').filter({ hasText: '退回时请填写意见' }).waitFor();
    await o.locator('#verdict-comment').fill('户主姓名请与户口簿核对');
    await o.locator('#return').click();
    await o.locator('#return-question').filter({ hasText: '户主姓名请与户口簿核对' }).waitFor();
    await o.locator('#return-cancel').click();
    await o.locator('#return').click();
    await o.locator('#return-confirmed').click();
    await o.locator('#toast').filter({ hasText: '已退回更正：住户' }).waitFor();

    // After syncing, the reviewer is not shown the worker's banner to correct it.
    await syncNow(o);
    await o.locator('#tab-households').click();
    await o.locator('#household-list li').first().waitFor();
    assert.equal(await o.locator('#returned').count(), 0, 'no "请按意见更正" banner for the office');
    // The worker is.
    await syncNow(p);
    await p.locator('#returned-list li').filter({ hasText: '户主姓名请与户口簿核对' }).waitFor();
  }, log);
});

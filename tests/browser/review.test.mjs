// The township office's review, in the office bundle (office.html): a reviewer approves a
// household a worker registered; the worker changes it and the record comes back to the
// queue with the field-level diff naming who changed what; two phones write the same field
// offline and the reviewer settles the conflict, which reaches the phones on their next
// sync; a record returned with a comment shows that comment on the worker's phone.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  TestServer, conflictingAddresses, editHouseholdAddress, launchChromium, openApp, openOffice,
  syncNow, unlock, within, openHouseholdForm,
} from './support.mjs';

const ADDRESS = '新民村4组16号';
const HEAD = '诸葛春生';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

const editAddress = (page, address) => editHouseholdAddress(page, HEAD, address);

/** The queue filtered to one worker's records, then the household opened from it. */
async function reviewHousehold(office, worker) {
  await office.locator('#tab-review').click();
  // Households only: the 户主 registered with one waits as a person of their own.
  await office.locator('#queue-type').selectOption('household');
  await office.locator('#queue-worker').fill(worker);
  await office.locator('#queue-worker').press('Enter');
  await office.locator('#queue-list li').filter({ hasText: HEAD }).filter({ hasText: '住户' }).click();
  await office.locator('#record-review').waitFor();
}

test('a reviewer approves, sees a later change with its diff, settles a conflict and returns a record', { timeout: 240_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  await server.addWorker('worker01b', '新民村网格员', 'v01');
  const phone = await openApp(browser, server, t, 'worker01');
  const office = await openOffice(browser, server, t);
  const log = [...phone.log, ...office.log];
  await server.explain(async () => {
    // A worker registers a household; it reaches the review queue with every field as new.
    await openHouseholdForm(phone.page);
    await phone.page.locator('#household-group').fill('4组');
    await phone.page.locator('#household-address').fill(ADDRESS);
    await phone.page.locator('#household-head').fill(HEAD);
    await phone.page.locator('#household-add').click();
    await phone.page.locator('#household-form .notice').filter({ hasText: '已保存' }).waitFor();
    await syncNow(phone.page);

    await reviewHousehold(office.page, 'worker01');
    const address = office.page.locator('#changes tr[data-field="address"]');
    await address.locator('.after').filter({ hasText: ADDRESS }).waitFor();
    assert.match(await address.locator('.by').textContent(), /worker01/);
    await office.page.locator('#approve').click();
    await office.page.locator('#review-queue').waitFor();
    await office.page.locator('#queue-worker').fill('worker01');
    await office.page.locator('#queue-worker').press('Enter');
    await office.page.getByText('没有待审核的记录。').waitFor();

    // The worker corrects the address: back in the queue, with the diff from the approved one.
    await editAddress(phone.page, '新民村4组18号');
    await syncNow(phone.page);
    await reviewHousehold(office.page, 'worker01');
    await office.page.locator('#last-verdict').filter({ hasText: '审核通过' }).waitFor();
    // The reviewer by the account's name, not the login.
    assert.match(await office.page.locator('#last-verdict').textContent(), /（东湖镇综治办，/);
    await address.locator('.before').filter({ hasText: ADDRESS }).waitFor();
    await address.locator('.after').filter({ hasText: '新民村4组18号' }).waitFor();
    assert.match(await address.locator('.by').textContent(), /worker01 的手机 1 · /);
    assert.equal(await office.page.locator('#changes tbody tr').count(), 1, 'only the changed field is shown');

    // History: each upload, and the record as it was after the first.
    await office.page.locator('#history-show').click();
    const steps = office.page.locator('#history-steps li');
    await within(15_000, 'two history entries', steps.nth(1).waitFor());
    // The first entry registers the record; the system's own fields are not listed.
    const first = await steps.first().textContent();
    assert.match(first, /首次登记，填写 \d+ 项：住址、/);
    assert.doesNotMatch(first, /数据版本|记录类型/);
    assert.match(await steps.nth(1).textContent(), /修改 1 项：住址$/);
    await steps.first().click();
    await office.page.locator('#record-at tr[data-field="address"]').filter({ hasText: ADDRESS }).waitFor();
    assert.equal(await office.page.locator('#record-at tr[data-field="schema_version"], #record-at tr[data-field="type"]').count(), 0);

    // Two phones of the village write the address offline, differently: a conflict.
    const second = await openApp(browser, server, t, 'worker01b');
    log.push(...second.log);
    await conflictingAddresses([phone, second], HEAD, ['新民村4组20号', '新民村4组22号']);
    await reviewHousehold(office.page, 'worker01b');
    const conflict = office.page.locator('#conflicts .conflict[data-field="address"]');
    await conflict.waitFor();
    const values = conflict.locator('li');
    assert.equal(await values.count(), 2);
    const chosen = values.filter({ hasText: '新民村4组22号' });
    assert.match(await chosen.textContent(), /worker01b/);
    await chosen.locator('.choose').click();
    await office.page.locator('#conflicts').waitFor({ state: 'detached' });
    await address.locator('.after').filter({ hasText: '新民村4组22号' }).waitFor();

    // Returned with a comment; the phone shows it after its next sync, and on the record.
    await office.page.locator('#verdict-comment').fill('门牌号请以公安门牌为准');
    await office.page.locator('#return').click();
    await office.page.locator('#return-confirmed').click();
    await office.page.locator('#review-queue').waitFor();

    await syncNow(phone.page);
    await phone.page.locator('#returned-list li').filter({ hasText: '门牌号请以公安门牌为准' }).locator('.fix').click();
    await phone.page.locator('#household-detail').waitFor();
    await phone.page.locator('#returned-note').filter({ hasText: '门牌号请以公安门牌为准（东湖镇综治办）' }).waitFor();
    // The reviewer's choice reached the phone that had written the other value.
    assert.equal(await phone.page.locator('#edit-address').inputValue(), '新民村4组22号');
  }, log);
});

test('the office screens are refused to a worker and the worker app carries none of them', { timeout: 120_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { page, log } = await openApp(browser, server, t, 'worker01');
  await server.explain(async () => {
    assert.equal(await page.locator('#tab-review').count(), 0, 'the field app has no review tab');
    await page.goto(`${server.url}office.html`);
    await unlock(page);
    await page.locator('#household-new').waitFor();
    assert.equal(await page.locator('#tab-review').count(), 0, 'a worker gets no office tabs in the office bundle');
  }, log);
});

// Households door to door with no signal: add a household, find it again by partial input,
// add, edit and remove its members (a repeated ID number is flagged at once), change its
// security contact; then sync, and check that the server has it all — in its database, and
// on a second device that downloads it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  TestServer, citizenId, comeBackAndSync, goOffline, launchChromium, openApp, reopen, synced, unlock, openHouseholdForm,
} from './support.mjs';

const GROUP = '7组';
const ADDRESS = '新民村7组8号';
const HEAD = '欧阳德明';
// Born 1968-03-09 in the township's county (330110); sequence 135 is odd, so male.
const HEAD_ID = citizenId('33011019680309135');
const STARRED_ID = `${HEAD_ID.slice(0, 6)}********${HEAD_ID.slice(-4)}`;
const SPOUSE = '钱小红';
const CONTACT_PHONE = '13912345678';

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

test('a household and its members, registered offline, reach the server', { timeout: 180_000 }, async (t) => {
  const server = await serverFor(t);
  const { context, page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    await goOffline(context, page, server);

    await openHouseholdForm(page);

    await page.locator('#household-group').fill(GROUP);
    await page.locator('#household-address').fill(ADDRESS);
    await page.locator('#household-head').fill(HEAD);
    await page.locator('#household-add').click();
    await page.locator('#household-form .notice').filter({ hasText: `已保存：${HEAD}` }).waitFor();

    // Unsynced work on a device whose storage may be evicted is flagged.
    const persisted = await page.evaluate(() => navigator.storage.persisted());
    if (!persisted) await page.locator('#storage-warning').waitFor({ state: 'visible' });

    // Partial input finds it; the group filter narrows to it.
    const row = page.locator('#household-list li').filter({ hasText: ADDRESS });
    await page.locator('#household-search').fill('阳德明');
    await row.waitFor();
    assert.equal(await page.locator('#household-list li').count(), 1, 'only the matching household is listed');
    await page.locator('#household-search').fill('');
    await page.locator('#filter-group').selectOption(GROUP);
    await row.waitFor();
    assert.ok((await page.locator('#household-list li').allTextContents()).every((text) => text.includes(GROUP)));
    await row.click();
    await page.locator('#household-detail').waitFor();

    // The 户主 is the household's first member already: nobody types them twice.
    const head = page.locator('#member-list li').filter({ hasText: HEAD });
    await head.filter({ hasText: '户主' }).waitFor();

    // A bad member is refused field by field, and nothing is added.
    await page.locator('#member-citizen-id').fill(HEAD_ID.slice(0, 17) + (HEAD_ID[17] === '0' ? '1' : '0'));
    await page.locator('#member-save').click();
    await page.locator('#member-form [data-field="name"]').filter({ hasText: '请填写姓名' }).waitFor();
    await page.locator('#member-form [data-field="citizen_id"]').filter({ hasText: '校验不通过' }).waitFor();
    assert.equal(await page.locator('#member-list li').count(), 1, 'nothing was added');

    // The head's ID number and phone, completed on their member entry.
    await head.locator('.member-edit').click();
    await page.waitForFunction((name) => document.querySelector('#member-name').value === name, HEAD);
    await page.locator('#member-citizen-id').fill(HEAD_ID);
    await page.locator('#member-phone').fill('13800001111');
    await page.locator('#member-save').click();
    await page.locator('#member-form .notice').filter({ hasText: `已保存：${HEAD}` }).waitFor();
    // The list stars the number, as every list does; the member's form has it whole.
    await head.filter({ hasText: STARRED_ID }).filter({ hasText: '1968-03-09' }).waitFor();
    assert.ok(!(await page.locator('#member-list').innerText()).includes(HEAD_ID), 'no whole ID number in the list');

    await page.locator('#member-name').fill(SPOUSE);
    await page.locator('#member-relation').selectOption('spouse');
    await page.locator('#member-save').click();
    await page.locator('#member-list li').filter({ hasText: SPOUSE }).filter({ hasText: '配偶' }).waitFor();

    // The head's ID number typed again for another member is flagged at once, offline,
    // naming the person who holds it; clearing the number clears the warning.
    const warning = page.locator('#member-form #duplicate-warning');
    await page.locator('#member-citizen-id').fill(HEAD_ID);
    await warning.filter({ hasText: HEAD }).waitFor();
    await page.locator('#member-citizen-id').fill('');
    await warning.waitFor({ state: 'detached' });

    // Editing a member: the form fills from the person, the change lands on the same record.
    await head.locator('.member-edit').click();
    await page.waitForFunction((id) => document.querySelector('#member-citizen-id').value === id, HEAD_ID);
    await page.locator('#member-phone').fill('13800002222');
    await page.locator('#member-save').click();
    await head.filter({ hasText: '138****2222' }).waitFor();
    assert.equal(await page.locator('#member-list li').count(), 2, 'editing did not add a member');
    assert.equal(await warning.count(), 0, "a member's own number is no duplicate");

    // Removing takes a confirmation.
    const spouse = page.locator('#member-list li').filter({ hasText: SPOUSE });
    await spouse.locator('.member-remove').click();
    await spouse.locator('.member-remove-confirm').click();
    await spouse.waitFor({ state: 'detached' });

    // The security contact: a wrong phone is refused on its field, a right one saved.
    await page.locator('#edit-contact-name').fill(HEAD);
    await page.locator('#edit-contact-phone').fill('1391234');
    await page.locator('#household-save').click();
    await page.locator('#household-edit-form [data-field="security_contact.phone"]').waitFor();
    await page.locator('#edit-contact-phone').fill(CONTACT_PHONE);
    await page.locator('#household-save').click();
    await page.locator('#household-edit-form .notice').filter({ hasText: '已保存' }).waitFor();

    // Found again by part of a member's ID number and of the contact phone, after a reload.
    // A reload lands back on the household; the list finds it again.
    await reopen(page);
    await page.locator('#household-detail').waitFor();
    await page.locator('#tab-households').click();
    for (const partial of [HEAD_ID.slice(-6), '2345678', `${HEAD.slice(0, 1)} ${GROUP}`]) {
      await page.locator('#household-search').fill(partial);
      await page.locator('#household-list li[data-synced="false"]').filter({ hasText: ADDRESS }).waitFor();
    }

    await comeBackAndSync(context, page, server);
    await page.locator('#household-list li[data-synced="true"]').filter({ hasText: ADDRESS }).waitFor();
    await page.locator('#storage-warning').waitFor({ state: 'detached' });

    const rows = (await server.command('households')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    assert.equal(rows.filter((r) => r.address === ADDRESS && r.head_of_household === HEAD && r.group === GROUP).length, 1);

    // A second device of the same village downloads exactly what the first one saved.
    const other = await openApp(browser, server, t);
    await other.page.locator('#household-search').fill(ADDRESS);
    await other.page.locator('#household-list li').filter({ hasText: ADDRESS }).click();
    const members = other.page.locator('#member-list li');
    await members.filter({ hasText: HEAD }).filter({ hasText: STARRED_ID }).filter({ hasText: '138****2222' }).waitFor();
    assert.equal(await members.count(), 1, 'the removed member is gone on the other device too');
    assert.equal(await other.page.locator('#edit-contact-phone').inputValue(), CONTACT_PHONE);
  }, log);
});

test('a list index from an older version is rebuilt from the sealed records without losing unsynced work', { timeout: 180_000 }, async (t) => {
  const server = await serverFor(t);
  const { context, page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    await goOffline(context, page, server);
    await openHouseholdForm(page);
    await page.locator('#household-group').fill(GROUP);
    await page.locator('#household-address').fill(ADDRESS);
    await page.locator('#household-head').fill(HEAD);
    await page.locator('#household-add').click();
    await page.locator('#household-form .notice').filter({ hasText: '已保存' }).waitFor();

    // Leave the app for a blank page of the same origin (the server is still down), and make
    // the worker's database look like an older version's: its list index gone and marked as
    // an older version. The documents stay as they were: sealed, unreadable from here.
    await context.setOffline(false);
    await page.route('**/healthz', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title>' }));
    await page.goto(`${server.url}healthz`);
    const documents = await page.evaluate(async () => {
      const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
      const db = await request(indexedDB.open('pingan-user-worker01'));
      const stores = ['documents', 'state', 'households', 'persons', 'rental_houses', 'disputes', 'outreach_visits'];
      const tx = db.transaction(stores, 'readwrite');
      const count = await request(tx.objectStore('documents').count());
      for (const name of stores.slice(2)) tx.objectStore(name).clear();
      tx.objectStore('state').put(2, 'index_version');
      await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
      db.close();
      return count;
    });
    assert.ok(documents > 1, 'the worker holds the village and the new household');
    await page.unroute('**/healthz');

    await page.goto(server.url);
    await unlock(page);
    await page.locator('#household-search').fill(ADDRESS);
    await page.locator('#household-list li[data-synced="false"]').filter({ hasText: ADDRESS }).waitFor();
    // The household and its 户主.
    await page.locator('#pending-count').filter({ hasText: '待上传 2 条' }).waitFor();

    await comeBackAndSync(context, page, server);
    await synced(page);
    const rows = (await server.command('households')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    assert.equal(rows.filter((r) => r.address === ADDRESS).length, 1, 'the household kept through the rebuild reached the server');
  }, log);
});

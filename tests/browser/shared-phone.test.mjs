// One village phone, several workers (issue 13): each worker's records are theirs alone and
// sealed at rest. Tried as a careless user and as a thief would: log out with unsynced work,
// hand the phone over, copy its IndexedDB, guess the password, disable the account.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  PASSWORD, TestServer, citizenId, launchChromium, openApp, synced, syncNow, unlock, openHouseholdForm,
} from './support.mjs';

let browser;
before(async () => { browser = await launchChromium(); });
after(() => browser?.close());

const HEAD = '欧阳德明';
const ADDRESS = '新民村7组31号';
const MEMBER = '欧阳秀兰';
const MEMBER_ID = citizenId('33011019720517004');
const PHONE = '13912345678';

async function serverFor(t) {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  return server;
}

/** Registers a household with one member (name, ID number, phone) on the phone. */
async function registerHousehold(page) {
  await page.locator('#tab-households').click();
  await openHouseholdForm(page);
  await page.locator('#household-group').fill('7组');
  await page.locator('#household-address').fill(ADDRESS);
  await page.locator('#household-head').fill(HEAD);
  await page.locator('#household-add').click();
  await page.locator('#household-form .notice').filter({ hasText: `已保存：${HEAD}` }).waitFor();
  await page.locator('#household-list li').filter({ hasText: ADDRESS }).click();
  await page.locator('#member-name').fill(MEMBER);
  await page.locator('#member-relation').selectOption('spouse');
  await page.locator('#member-citizen-id').fill(MEMBER_ID);
  await page.locator('#member-phone').fill(PHONE);
  await page.locator('#member-save').click();
  await page.locator('#member-form .notice').filter({ hasText: `已保存：${MEMBER}` }).waitFor();
}

/** Every value of every object store of every IndexedDB database of the origin, as text:
 * strings as they are, byte arrays decoded as UTF-8 (where a clear name would show). */
async function rawIndexedDb(page) {
  return page.evaluate(async () => {
    const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    const text = (value) => {
      if (value instanceof Uint8Array || value instanceof ArrayBuffer) return new TextDecoder('utf-8', { fatal: false }).decode(value);
      if (Array.isArray(value)) return value.map(text).join('\n');
      if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k}=${text(v)}`).join('\n');
      return String(value);
    };
    const out = [];
    for (const { name } of await indexedDB.databases()) {
      const db = await request(indexedDB.open(name));
      for (const store of db.objectStoreNames) {
        const tx = db.transaction(store, 'readonly');
        const keys = await request(tx.objectStore(store).getAllKeys());
        const values = await request(tx.objectStore(store).getAll());
        out.push(`# ${name}/${store}`, ...keys.map(text), ...values.map(text));
      }
      db.close();
    }
    return out.join('\n');
  });
}

test('a shared phone: each worker sees only their own records, and unsynced work waits sealed for its owner', { timeout: 240_000 }, async (t) => {
  const server = await serverFor(t);
  const { context, page, log } = await openApp(browser, server, t, 'worker01');
  await server.explain(async () => {
    const v01Households = await page.locator('#household-list li').count();
    assert.ok(v01Households > 10, 'worker01 holds village v01');

    // worker01 works with no signal and logs out with the work unsynced.
    await context.setOffline(true);
    await registerHousehold(page);
    // The household, its 户主 and the member.
    await page.locator('#pending-count').filter({ hasText: '待上传 3 条' }).waitFor();
    await page.locator('#logout').click();
    const confirm = page.locator('#logout-confirm');
    await confirm.filter({ hasText: '还有 3 条记录没有上传' }).waitFor();
    await page.locator('#logout-cancel').click();
    await confirm.waitFor({ state: 'detached' });
    await page.locator('#logout').click();
    await page.locator('#logout-anyway').click();
    await page.locator('#login-form').waitFor();
    assert.equal(await page.locator('#login-username').inputValue(), 'worker01', 'the last worker is offered');

    // A thief's guesses, offline: two slips are free, then each try waits.
    for (const guess of ['123456', 'worker01', 'pingan']) {
      await page.locator('#login-password').fill(guess);
      await page.locator('#login-submit').click();
      await page.locator('#login-error').filter({ hasText: '密码不对' }).waitFor();
    }
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-submit').click();
    await page.locator('#login-error').filter({ hasText: /请 \d+ 秒后再试/ }).waitFor();

    // worker02 takes the phone, online: none of worker01's records, their own village whole.
    await context.setOffline(false);
    await page.locator('#login-username').fill('worker02');
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-submit').click();
    await page.locator('nav.tabs').waitFor();
    await synced(page);
    await page.locator('#household-search').fill(HEAD);
    assert.equal(await page.locator('#household-list li').filter({ hasText: HEAD }).count(), 0, 'worker01\'s household is not shown');
    await page.locator('#household-search').fill('');
    const shown = await page.locator('#household-list li').allTextContents();
    const v02 = (await server.command('households')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))
      .filter((h) => h.village === 'v02');
    assert.equal(shown.length, v02.length, 'worker02 received all of v02');
    assert.ok(shown.every((line) => !line.includes('新民村')), 'no v01 household on worker02\'s screen');
    await page.locator('#logout').click();
    await page.locator('#login-form').waitFor();

    // worker01 again, after the wait: their sealed work opens and uploads.
    await page.locator('#login-username').fill('worker01');
    await page.waitForTimeout(30_500);
    await unlock(page);
    await page.locator('#pending-count').filter({ hasText: '待上传' }).waitFor();
    await syncNow(page);
    const rows = (await server.command('households')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    assert.equal(rows.filter((r) => r.address === ADDRESS && r.head_of_household === HEAD).length, 1, 'worker01\'s household reached the server');
  }, log);
});

test('a copy of the phone\'s IndexedDB shows no name, ID number or phone', { timeout: 180_000 }, async (t) => {
  const server = await serverFor(t);
  const { context, page, log } = await openApp(browser, server, t, 'worker01');
  await server.explain(async () => {
    await context.setOffline(true);
    await registerHousehold(page);
    const raw = await rawIndexedDb(page);
    assert.ok(raw.includes('pingan-user-worker01/documents'), 'the worker\'s database was read');
    for (const secret of [HEAD, MEMBER, MEMBER_ID, MEMBER_ID.slice(-6), PHONE, ADDRESS]) {
      assert.ok(!raw.includes(secret), `"${secret}" is not stored in clear`);
    }
    // Nor anything of the village the device downloaded.
    const v01 = (await server.command('households')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))
      .filter((h) => h.village === 'v01');
    assert.ok(v01.length > 10);
    for (const household of v01) {
      assert.ok(!raw.includes(household.head_of_household), `${household.head_of_household} is not stored in clear`);
    }
  }, log);
});

test('an account disabled at the township seals the phone at its next sync', { timeout: 180_000 }, async (t) => {
  const server = await serverFor(t);
  const { page, log } = await openApp(browser, server, t, 'worker01');
  await server.explain(async () => {
    await server.command('user', 'disable', 'worker01');
    await page.locator('#sync-now').click();
    await page.locator('#login-error').filter({ hasText: '该账号已被停用' }).waitFor();
    // No offline unlock any more, even with the right password.
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-submit').click();
    await page.locator('#login-error').filter({ hasText: '该账号已停用' }).waitFor();
    assert.equal(await page.locator('nav.tabs').count(), 0, 'the records stay locked');

    // Enabled again, the next online login opens the same records.
    await server.command('user', 'enable', 'worker01');
    await unlock(page);
    await synced(page);
    assert.ok(await page.locator('#household-list li').count() > 10);
  }, log);
});

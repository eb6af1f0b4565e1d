// Every phone in use today keeps its records in a version-1 database (five index stores, index
// version 4). This version adds the `activities` store (database version 2, index version 5).
// A phone that upgrades must open its old database with every record on it, unsynced work
// too, its new store built from the documents it already had, and go on syncing.
//
// The old database is made the way the old version left it: this version's database, taken
// apart and written back at version 1 with the old stores only and the old index version.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  TestServer, comeBackAndSync, goOffline, launchChromium, openApp, openHouseholdForm, unlock,
} from './support.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

const NEW_STORE = 'activities';

/** How many rows each store of the worker's database holds, and its version. */
function census(page) {
  return page.evaluate(async () => {
    const [name] = (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith('pingan-user-'));
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const rows = {};
    for (const store of db.objectStoreNames) {
      rows[store] = await new Promise((resolve, reject) => {
        const count = db.transaction(store).objectStore(store).count();
        count.onsuccess = () => resolve(count.result);
        count.onerror = () => reject(count.error);
      });
    }
    const version = db.version;
    db.close();
    return { version, rows };
  });
}

/** The worker's database rewritten as version 1: without `store`, at index version 4. */
function downgradeToVersionOne(page, store) {
  return page.evaluate(async (dropped) => {
    const request = (r) => new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
      // A deletion waits (blocked) until the closed page's connection is gone, then goes on.
    });
    const [name] = (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith('pingan-user-'));
    const db = await request(indexedDB.open(name));
    const stores = [];
    for (const storeName of [...db.objectStoreNames].filter((s) => s !== dropped)) {
      const s = db.transaction(storeName).objectStore(storeName);
      const indexes = [...s.indexNames].map((i) => {
        const index = s.index(i);
        return { name: i, keyPath: index.keyPath, unique: index.unique, multiEntry: index.multiEntry };
      });
      stores.push({
        name: storeName,
        keyPath: s.keyPath,
        indexes,
        keys: await request(s.getAllKeys()),
        values: await request(s.getAll()),
      });
    }
    db.close();
    await request(indexedDB.deleteDatabase(name));

    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => {
      for (const s of stores) {
        const created = open.result.createObjectStore(s.name, s.keyPath === null ? {} : { keyPath: s.keyPath });
        for (const i of s.indexes) created.createIndex(i.name, i.keyPath, { unique: i.unique, multiEntry: i.multiEntry });
      }
    };
    const old = await request(open);
    const tx = old.transaction(stores.map((s) => s.name), 'readwrite');
    for (const s of stores) {
      const target = tx.objectStore(s.name);
      s.values.forEach((value, i) => (s.keyPath === null ? target.put(value, s.keys[i]) : target.put(value)));
    }
    // The index the old version wrote: version 4, little-endian, as the app keeps it.
    tx.objectStore('state').put(new Uint8Array([4, 0, 0, 0]), 'index_version');
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    old.close();
  }, store);
}

test('a phone with a version-1 database opens this version with every record, and syncs', { timeout: 180_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { context, page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    // Unsynced work on the phone: a household registered with no signal.
    await goOffline(context, page, server);
    await openHouseholdForm(page);
    await page.locator('#household-group').fill('5组');
    await page.locator('#household-address').fill('新民村5组8号');
    await page.locator('#household-head').fill('龚立新');
    await page.locator('#household-add').click();
    await page.locator('#household-form .notice').filter({ hasText: '已保存：龚立新' }).waitFor();

    const before = await census(page);
    assert.equal(before.version, 2);
    assert.ok(before.rows[NEW_STORE] > 0, 'the demo village\'s screening rounds are indexed');
    assert.ok(before.rows.documents > before.rows[NEW_STORE], 'the phone holds its village\'s records');

    // The phone as the old version left it. On the locked screen no worker's database is open.
    await page.reload();
    await page.locator('#login-password').waitFor();
    await downgradeToVersionOne(page, NEW_STORE);
    const old = await census(page);
    assert.equal(old.version, 1);
    assert.equal(old.rows[NEW_STORE], undefined, 'the old database has no activities store');
    assert.equal(old.rows.documents, before.rows.documents);

    // This version opens it: the new store is created and filled from the documents, every
    // other store keeps what it had, the index is rebuilt once.
    await page.reload();
    await unlock(page);
    await page.locator('#tab-households').click();
    await page.locator('#household-search').fill('龚立新');
    await page.locator('#household-list li[data-synced="false"]').filter({ hasText: '龚立新' }).waitFor();
    const after = await census(page);
    assert.equal(after.version, 2);
    assert.deepEqual(after.rows, before.rows, 'every store holds what it held before the upgrade');

    // And the unsynced household still reaches the township.
    await comeBackAndSync(context, page, server);
    await page.locator('#household-list li[data-synced="true"]').filter({ hasText: '龚立新' }).waitFor();
    const households = (await server.command('households')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    assert.equal(households.filter((h) => h.head_of_household === '龚立新').length, 1);
  }, log);
});

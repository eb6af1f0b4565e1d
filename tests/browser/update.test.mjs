// Updating the installed app (PWA) while a worker is mid-form with unsynced work on the
// device: the new version is downloaded beside the old one and waits; the open form keeps
// what was typed and still saves; the unsynced record still uploads; and once every page of
// the old version is closed, the app opens as the new version — offline too — with every
// record still there.

import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  TestServer, browserLog, comeBackAndSync, goOffline, launchChromium, openApp, reopen, required, syncNow, within, openHouseholdForm,
} from './support.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** A copy of the built app that the test can turn into a "new version". */
async function copyOfApp(t) {
  const dir = await mkdtemp(path.join(tmpdir(), 'pingan-assets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(required('PINGAN_ASSETS'), dir, { recursive: true });
  return dir;
}

/**
 * Publishes a new build into `dir` the way `cargo xtask dist` would: a new build id in the
 * stamped files (so a new service-worker cache), their precompressed copies replaced.
 */
async function publishNewVersion(dir) {
  const worker = await readFile(path.join(dir, 'sw.js'), 'utf8');
  const build = worker.match(/pingan-shell-([0-9a-f]+)/)[1];
  for (const name of ['sw.js', 'index.html']) {
    const file = path.join(dir, name);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replaceAll(build, `${build}next`));
    await rm(`${file}.br`, { force: true });
    await rm(`${file}.gz`, { force: true });
  }
  return { old: `pingan-shell-${build}`, next: `pingan-shell-${build}next` };
}

async function addHousehold(page, address, head) {
  await openHouseholdForm(page);
  await page.locator('#household-group').fill('3组');
  await page.locator('#household-address').fill(address);
  await page.locator('#household-head').fill(head);
  await page.locator('#household-add').click();
  await page.locator('#household-form .notice').filter({ hasText: `已保存：${head}` }).waitFor();
}

test('a new version waits for the open form, keeps unsynced work and takes over when the app is reopened', { timeout: 180_000 }, async (t) => {
  const assets = await copyOfApp(t);
  const server = await TestServer.start({ assets });
  t.after(() => server.cleanup());
  const { context, page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    // Offline: one household saved, a second one half typed.
    await goOffline(context, page, server);
    await addHousehold(page, '新民村3组1号', '甘宏伟');
    await page.locator('#household-address').fill('新民村3组2号');
    await page.locator('#household-head').fill('甘小梅');

    // The township deploys a new version; the phone gets signal and checks for it.
    const shells = await publishNewVersion(assets);
    await server.start();
    await context.setOffline(false);
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    await within(30_000, 'the new version to be installed and waiting', page.waitForFunction(
      () => navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null),
      null, { polling: 200, timeout: 30_000 },
    ));
    await page.locator('#update-ready').waitFor({ state: 'visible' });

    // The open form was not touched: what was typed is still there, and it saves.
    assert.equal(await page.locator('#household-address').inputValue(), '新民村3组2号');
    assert.equal(await page.locator('#household-head').inputValue(), '甘小梅');
    // Both shells are kept meanwhile: the old one serves this page until it closes.
    assert.deepEqual((await page.evaluate(() => caches.keys())).sort(), [shells.old, shells.next].sort());
    await page.locator('#household-add').click();
    await page.locator('#household-form .notice').filter({ hasText: '已保存：甘小梅' }).waitFor();

    // Both the earlier unsynced household and the one from the open form upload.
    await syncNow(page);
    const households = (await server.command('households')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    for (const head of ['甘宏伟', '甘小梅']) {
      assert.equal(households.filter((h) => h.head_of_household === head).length, 1, `${head} reached the server once`);
    }

    // Every page of the old version closed, the app reopens as the new version.
    await page.close();
    const reopened = await context.newPage();
    browserLog(reopened, log);
    await reopened.goto(server.url);
    await within(30_000, 'the new version to take over', reopened.waitForFunction(
      (next) => caches.keys().then((names) => names.length === 1 && names[0] === next),
      shells.next, { polling: 200, timeout: 30_000 },
    ));
    await reopen(reopened);
    await reopened.locator('#household-new').waitFor();
    assert.equal(
      await reopened.evaluate(() => document.querySelector('meta[name="pingan-build"]').content.endsWith('next')),
      true,
      'the page is the new build',
    );
    await reopened.locator('#update-ready').waitFor({ state: 'hidden' });

    // The new version opens with no signal, with both households on the device and synced.
    await goOffline(context, reopened, server);
    for (const head of ['甘宏伟', '甘小梅']) {
      await reopened.locator('#household-search').fill(head);
      await reopened.locator('#household-list li[data-synced="true"]').filter({ hasText: head }).waitFor();
    }
    await comeBackAndSync(context, reopened, server);
  }, log);
});

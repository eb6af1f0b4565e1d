// The walking skeleton, end to end: a household typed in with no signal is kept
// on the phone and reaches the township's database once the phone is back online.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import { TestServer, browserLog, get, launchChromium, reopen, within, openHouseholdForm } from './support.mjs';

// A demo account of the server's `--demo` township, and its one village.
const WORKER = 'worker01';
const PASSWORD = 'pingan-demo';
const VILLAGE = 'v01';
const GROUP = '3组';
const ADDRESS = '幸福村3组12号';
const HEAD = '王建国';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** A server of the test's own, so one test stopping it cannot break another. */
async function serverFor(t) {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  return server;
}

test('a household added offline reaches the township server', { timeout: 120_000 }, async (t) => {
  const server = await serverFor(t);
  const context = await browser.newContext();
  t.after(() => context.close());
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const log = browserLog(page);
  await server.explain(async () => {
    await page.goto(server.url);
    // One online login; after it the app works with no signal.
    await page.locator('#login-username').fill(WORKER);
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-submit').click();
    await page.locator('#household-new').waitFor({ state: 'visible' });
    await within(15_000, 'the service worker to be ready', page.evaluate(() => navigator.serviceWorker.ready.then(() => true)));
    if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await reopen(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    // Offline for the browser and the server gone too, so nothing can quietly
    // fall through to the network.
    await context.setOffline(true);
    await server.stop();
    await reopen(page);
    await page.locator('#household-new').waitFor({ state: 'visible' });

    await openHouseholdForm(page);
    assert.equal(await page.locator('#household-village').inputValue(), VILLAGE, 'the worker\'s own village is preselected');
    // Validation runs on the phone, offline: an empty form is refused field by field, in Chinese.
    await page.locator('#household-add').click();
    await page.getByText('请填写村民小组').waitFor({ state: 'visible' });
    await page.getByText('请填写住址').waitFor({ state: 'visible' });
    await page.getByText('请填写户主姓名').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#household-list li').filter({ hasText: HEAD }).count(), 0, 'nothing was saved');

    await page.locator('#household-group').fill(GROUP);
    await page.locator('#household-address').fill(ADDRESS);
    await page.locator('#household-head').fill(HEAD);
    await page.locator('#household-add').click();
    const household = (synced) =>
      page.locator(`#household-list li[data-synced="${synced}"]`).filter({ hasText: ADDRESS }).filter({ hasText: HEAD });
    await household(false).waitFor({ state: 'visible' });

    await reopen(page);
    await household(false).waitFor({ state: 'visible' });
    assert.equal(await household(false).count(), 1, 'the household is listed once after a reload');

    await server.start();
    await context.setOffline(false);
    await page.locator('#sync-now').click();
    await household(true).waitFor({ state: 'visible', timeout: 15_000 });

    const rows = (await server.command('households'))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line));
    const matching = rows.filter((row) => row.address === ADDRESS && row.head_of_household === HEAD && row.village === VILLAGE);
    assert.equal(matching.length, 1, `exactly one such household in the database, got ${JSON.stringify(rows)}`);
  }, log);
});

test('the server ships the app compressed and typed for browsers', { timeout: 60_000 }, async (t) => {
  const server = await serverFor(t);
  await server.explain(async () => {
    const wasm = await get(`${server.url}pingan_app_bg.wasm`, { 'Accept-Encoding': 'br' });
    assert.equal(wasm.status, 200);
    assert.match(wasm.headers['content-type'] ?? '', /^application\/wasm/);
    assert.equal(wasm.headers['content-encoding'], 'br');
    assert.deepEqual([...brotliDecompressSync(wasm.body).subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'a wasm module');

    const manifest = await get(`${server.url}manifest.webmanifest`);
    assert.equal(manifest.status, 200);
    assert.equal(typeof JSON.parse(manifest.body.toString('utf8')).name, 'string', 'the manifest has a name');

    const worker = await get(`${server.url}sw.js`);
    assert.equal(worker.status, 200);
    assert.match(worker.headers['content-type'] ?? '', /javascript/);
  });
});

// "已保存" means on disk: a household saved with no signal survives the browser process being
// killed (SIGKILL, no shutdown) the moment the app says so, and is there when the browser is
// started again on the same profile — then it syncs to the server.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { PASSWORD, TestServer, unlock, within, openHouseholdForm } from './support.mjs';

const ADDRESS = '新民村4组33号';
const HEAD = '东方明亮';

/** A Chromium of our own on `profile`, so the test can kill its process outright. */
async function startChromium(profile) {
  const child = spawn(process.env.CHROMIUM || '/usr/bin/chromium', [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync',
    '--disable-background-networking', '--disable-component-update', '--remote-debugging-port=0',
    `--user-data-dir=${profile}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  const endpoint = await within(30_000, 'Chromium to print its DevTools endpoint', new Promise((resolve, reject) => {
    child.stderr.on('data', (data) => {
      output += data;
      const found = output.match(/DevTools listening on (ws:\/\/\S+)/);
      if (found) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited (${code}):\n${output}`)));
  }));
  const browser = await chromium.connectOverCDP(endpoint);
  const context = browser.contexts()[0];
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? await context.newPage();
  return { child, exited, browser, page };
}

test('a household saved offline survives killing the browser process', { timeout: 180_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const profile = await mkdtemp(path.join(tmpdir(), 'pingan-profile-'));
  t.after(() => rm(profile, { recursive: true, force: true }));

  await server.explain(async () => {
    let chrome = await startChromium(profile);
    t.after(() => chrome.child.kill('SIGKILL'));
    let { page } = chrome;
    await page.goto(server.url);
    await page.locator('#login-username').fill('worker01');
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-submit').click();
    await page.locator('#household-new').waitFor();
    await within(15_000, 'the service worker', page.evaluate(() => navigator.serviceWorker.ready.then(() => true)));
    await page.locator('#sync-status').filter({ hasText: '同步完成' }).waitFor({ timeout: 30_000 });

    await server.stop();
    await openHouseholdForm(page);
    await page.locator('#household-group').fill('4组');
    await page.locator('#household-address').fill(ADDRESS);
    await page.locator('#household-head').fill(HEAD);
    await page.locator('#household-add').click();
    await page.locator('#household-form .notice').filter({ hasText: `已保存：${HEAD}` }).waitFor();
    chrome.child.kill('SIGKILL');
    await chrome.exited;

    chrome = await startChromium(profile);
    page = chrome.page;
    // The server is still down: the shell comes from the service worker's cache.
    await page.goto(server.url);
    await unlock(page);
    await page.locator('#household-search').fill(ADDRESS);
    await page.locator('#household-list li[data-synced="false"]').filter({ hasText: HEAD }).waitFor();

    await server.start();
    await page.locator('#sync-now').click();
    await page.locator('#household-list li[data-synced="true"]').filter({ hasText: HEAD }).waitFor({ timeout: 30_000 });
    const rows = (await server.command('households')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    assert.equal(rows.filter((r) => r.address === ADDRESS && r.head_of_household === HEAD).length, 1);
    await chrome.browser.close().catch(() => {});
  });
});

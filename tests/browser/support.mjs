// Shared helpers for the browser tests: a real pingan-server on a private
// database, a headless Chromium, and time limits on everything that waits.

import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

/** A variable `cargo xtask test` sets; missing means the tests were started another way. */
export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests with \`cargo xtask test\``);
  return value;
}

/** Rejects with `what` in the message when `promise` takes longer than `ms`. */
export async function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A GET that leaves the body as sent (no decompression), bounded to 10 s. */
export function get(url, headers = {}) {
  return within(10_000, `GET ${url}`, new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  }));
}

/**
 * pingan-server on a free loopback port with a database of its own. `stop()`
 * and `start()` keep port and database, so the browser sees the same origin
 * and the server the same data; `cleanup()` also deletes the database.
 */
export class TestServer {
  /** `assets`: a directory of the built app to serve instead of `PINGAN_ASSETS`. */
  static async start({ assets } = {}) {
    const dir = await mkdtemp(path.join(tmpdir(), 'pingan-browser-'));
    const server = new TestServer(dir, await freePort(), assets);
    await server.start();
    return server;
  }

  constructor(dir, port, assets) {
    this.bin = required('PINGAN_SERVER_BIN');
    this.assets = assets ?? required('PINGAN_ASSETS');
    this.dir = dir;
    this.port = port;
    this.url = `http://127.0.0.1:${port}/`;
    this.database = `sqlite://${path.join(dir, 'pingan.db')}`;
    this.log = '';
    this.child = null;
  }

  async start() {
    const args = ['serve', '--demo', '--listen', `127.0.0.1:${this.port}`, '--database', this.database, '--assets', this.assets];
    const child = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.exited = exited;
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (data) => { this.log += data; });
    child.once('error', (err) => { this.log += `\ncould not start ${this.bin}: ${err}\n`; });

    const deadline = Date.now() + 30_000;
    let early = null;
    exited.then((status) => { early = status; });
    while (Date.now() < deadline) {
      if (early) throw new Error(`pingan-server exited during start-up (${JSON.stringify(early)}):\n${this.log}`);
      try {
        if ((await get(`${this.url}healthz`)).status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`pingan-server did not answer GET /healthz with 200 within 30 s:\n${this.log}`);
  }

  async stop() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    try {
      await within(10_000, 'pingan-server to exit after SIGTERM', child.exited);
    } catch {
      child.kill('SIGKILL');
      await within(5_000, 'pingan-server to exit after SIGKILL', child.exited);
    }
  }

  async cleanup() {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Runs a pingan-server subcommand against this server's database. */
  command(...args) {
    return new Promise((resolve, reject) => {
      execFile(this.bin, [...args, '--database', this.database], { timeout: 15_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`pingan-server ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
  }

  /** Adds a village worker account (password `PASSWORD`) to this server's database. */
  addWorker(username, name, village) {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.bin,
        ['user', 'add', username, '--name', name, '--role', 'worker', '--village', village, '--database', this.database],
        { timeout: 15_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`user add ${username} failed: ${err.message}\n${stderr}`)) : resolve(stdout)),
      );
      child.stdin.end(`${PASSWORD}\n`);
    });
  }

  /**
   * Adds the server's output and `browserLog` to a failure: the explanation is
   * usually there, not in the timeout that noticed it.
   */
  async explain(body, browserLog = []) {
    try {
      return await body();
    } catch (err) {
      err.message += `\n--- pingan-server output ---\n${this.log.slice(-8_000)}`;
      if (browserLog.length) err.message += `\n--- browser errors ---\n${browserLog.join('\n').slice(-8_000)}`;
      throw err;
    }
  }
}

/** Collects the page's errors and warnings, for `TestServer.explain`, into `lines`. */
export function browserLog(page, lines = []) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') lines.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => lines.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => lines.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  return lines;
}

/**
 * Headless Chromium. `lang` (`zh-CN`) draws the browser's own parts of a page (a date field's
 * 年/月/日) as a phone set to that language does; it needs Debian's chromium-l10n.
 */
export async function launchChromium({ lang } = {}) {
  return chromium.launch({
    ...(lang ? { env: { ...process.env, LANG: `${lang.replace('-', '_')}.UTF-8`, LANGUAGE: lang.replace('-', '_') } } : {}),
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      // The browser's own words (a date field's 年/月/日, its questions) in Chinese, as on
      // the phones and office computers Pingan serves.
      '--lang=zh-CN',
    ],
    headless: true,
    timeout: 30_000,
  });
}

/** The 18-character citizen ID number with `first17` and its GB 11643 check character. */
export function citizenId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

export const PASSWORD = 'pingan-demo';

/**
 * A browser context logged in as `user`, its first sync finished and the service worker in
 * control, so the app then opens offline. `options` go to `browser.newContext`.
 */
export async function openApp(browser, server, t, user = 'worker01', options = {}) {
  const { clockAheadMs, ...contextOptions } = options;
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, ...contextOptions });
  t.after(() => context.close());
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const log = browserLog(page);
  answerDialogs(page);
  // A phone whose clock runs ahead of the server's.
  if (clockAheadMs) await context.clock.setFixedTime(Date.now() + clockAheadMs);
  await page.goto(server.url);
  await page.locator('#login-username').fill(user);
  await page.locator('#login-password').fill(PASSWORD);
  await page.locator('#login-submit').click();
  await page.locator('#household-new').waitFor({ state: 'visible' });
  await within(15_000, 'the service worker to be ready', page.evaluate(() => navigator.serviceWorker.ready.then(() => true)));
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    await reopen(page);
    await page.locator('#household-new').waitFor({ state: 'visible' });
  }
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await synced(page);
  return { context, page, log };
}

/**
 * The township office's bundle (`office.html`) at desktop size, logged in as the demo
 * reviewer, with the whole township synced. `options` go to `browser.newContext`.
 */
export async function openOffice(browser, server, t, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  t.after(() => context.close());
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const log = browserLog(page);
  await page.goto(`${server.url}office.html`);
  await page.locator('#login-username').fill('reviewer');
  await page.locator('#login-password').fill(PASSWORD);
  await page.locator('#login-submit').click();
  await page.locator('#review-queue').waitFor();
  await synced(page);
  return { context, page, log };
}

/**
 * The browser's own questions (leaving a half-typed form, a reload with one): the worker means
 * it, unless a test sets `page.refuseNextDialog`. What was asked is kept in `page.dialogs`.
 */
export function answerDialogs(page) {
  page.dialogs = [];
  page.on('dialog', (dialog) => {
    page.dialogs.push(dialog.message());
    if (page.refuseNextDialog) {
      page.refuseNextDialog = false;
      dialog.dismiss();
    } else {
      dialog.accept();
    }
  });
}

/** The 新增住户 form on the households screen, opened by its button above the list. */
export async function openHouseholdForm(page) {
  await page.locator('#tab-households').click();
  if (!(await page.locator('#household-form').isVisible())) await page.locator('#household-new').click();
  await page.locator('#household-form').waitFor({ state: 'visible' });
}

/** On a phone: the household of `head` gets a new address through its page. */
export async function editHouseholdAddress(page, head, address) {
  await page.locator('#tab-households').click();
  // By the head's name: the address is what changes.
  await page.locator('#household-search').fill(head);
  await page.locator('#household-list li').filter({ hasText: head }).click();
  await page.locator('#household-detail').waitFor();
  await page.locator('#edit-address').fill(address);
  await page.locator('#household-save').click();
  await page.locator('#household-edit-form .notice').filter({ hasText: '已保存' }).waitFor();
}

/** Syncs by hand and waits until it has finished with nothing left to upload. */
export async function syncNow(page) {
  await page.locator('#sync-now').click();
  await synced(page);
}

/**
 * Two phones give the household of `head` different addresses with no signal, then sync
 * one after the other: the field now holds both values (a conflict).
 */
export async function conflictingAddresses(phones, head, addresses) {
  for (const phone of phones) await phone.context.setOffline(true);
  for (const [i, phone] of phones.entries()) await editHouseholdAddress(phone.page, head, addresses[i]);
  for (const phone of phones) {
    await phone.context.setOffline(false);
    await syncNow(phone.page);
  }
}

/** Waits until a sync has finished and nothing waits to upload. */
export async function synced(page, timeout = 30_000) {
  await page.locator('#sync-status').filter({ hasText: '同步完成' }).waitFor({ state: 'visible', timeout });
  await page.locator('#pending-count').filter({ hasText: '待上传 0 条' }).waitFor({ state: 'visible', timeout });
}

/**
 * The locked screen, as every opening of the app shows it: the last worker's name is filled
 * in, and their password unlocks their sealed records (offline too).
 */
export async function unlock(page, password = PASSWORD) {
  await page.locator('#login-password').fill(password);
  await page.locator('#login-submit').click();
  await page.locator('nav.tabs').waitFor({ state: 'visible' });
}

/** The app closed and opened again (a reload), and unlocked. */
export async function reopen(page, password = PASSWORD) {
  await page.reload();
  await unlock(page, password);
}

/** No signal at all: the browser offline and the server stopped, then the app reopened. */
export async function goOffline(context, page, server) {
  await context.setOffline(true);
  await server.stop();
  await reopen(page);
  // A reload lands where the worker was; these tests go on from the households.
  await page.locator('#tab-households').click();
  await page.locator('#household-new').waitFor({ state: 'visible' });
}

/** Signal again: the server back, the browser online, and a sync started by hand. */
export async function comeBackAndSync(context, page, server) {
  await server.start();
  await context.setOffline(false);
  await page.locator('#sync-now').click();
  await synced(page);
}

// A half-typed form is never lost (issue 15): what a worker types is kept on the phone as they
// type and offered back after a tab switch, a reload or a crash; leaving a form with unsaved
// input asks first (the browser's own question); a reload lands on the screen the worker was on; a saved form leaves no
// draft. And the households screen: 新增住户 above the list, the 户主 counted as the first
// member, the 十户联防组 typed on the phone.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  TestServer, answerDialogs, citizenId, launchChromium, openApp, openHouseholdForm, reopen, unlock,
} from './support.mjs';

const ID = citizenId('51011619900302004');

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('a half-typed registration survives a tab switch, and leaving asks first', { timeout: 120_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    await page.locator('#tab-floating').click();
    await page.locator('#floating-new').click();
    await page.locator('#floating-citizen-id').fill(ID);
    await page.locator('#floating-name').fill('欧阳晓');
    await page.locator('#floating-derived').waitFor();

    // A tab tapped by mistake: asked, and staying keeps everything as typed.
    page.refuseNextDialog = true;
    await page.locator('#tab-disputes').click();
    await page.waitForFunction(() => true);
    assert.match(page.dialogs.at(-1) ?? '', /这张表还没有保存/);
    assert.equal(await page.locator('#floating-name').inputValue(), '欧阳晓');
    assert.equal(await page.locator('#dispute-new').count(), 0, 'still on the form');

    // Leaving for real, then coming back: the draft is offered and restores every field.
    await page.locator('#tab-disputes').click();
    await page.locator('#dispute-new').waitFor();
    assert.equal(page.dialogs.length, 2, 'asked again');
    await page.locator('#tab-floating').click();
    await page.locator('#floating-new').click();
    const offer = page.locator('#floating-form .draft-offer');
    await offer.waitFor();
    assert.equal(await page.locator('#floating-name').inputValue(), '', 'nothing is filled in unasked');
    await offer.locator('.draft-restore').click();
    await page.waitForFunction(() => document.getElementById('floating-name').value === '欧阳晓');
    await page.locator('#floating-derived').filter({ hasText: '1990-03-02' }).waitFor();
    assert.equal(await page.locator('#floating-citizen-id').inputValue(), ID);
    assert.equal(await page.locator('#floating-name').inputValue(), '欧阳晓');
    assert.equal(await offer.count(), 0, 'the offer is gone once taken');

    // Saved: the draft goes with it, and leaving no longer asks.
    await page.locator('#floating-origin').fill('四川省成都市');
    await page.locator('#floating-save').click();
    await page.locator('#floating-form .notice').filter({ hasText: '已保存：欧阳晓' }).waitFor();
    await page.locator('#tab-households').click();
    await page.locator('#household-new').waitFor();
    assert.equal(page.dialogs.length, 2, 'a saved form lets the worker go unasked');
    await page.locator('#tab-floating').click();
    await page.locator('#floating-new').click();
    await page.locator('#floating-form').waitFor();
    await page.waitForTimeout(300);
    assert.equal(await page.locator('#floating-form .draft-offer').count(), 0, 'a saved form leaves no draft');
  }, log);
});

test('a draft the phone cannot write (storage full) is said on the form, until one is written again', { timeout: 120_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    // The disk full for the worker's state store only: the browser refuses the write the way
    // a full quota does.
    await page.evaluate(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        if (window.diskFull && this.name === 'state') throw new DOMException('disk full', 'QuotaExceededError');
        return put.apply(this, args);
      };
      window.diskFull = true;
    });
    await page.locator('#tab-disputes').click();
    await page.locator('#dispute-new').click();
    await page.locator('#dispute-summary').fill('邻里因排水沟发生争执');
    const failed = page.locator('#dispute-form .draft-failed[role="alert"]');
    await failed.filter({ hasText: '草稿未能保存' }).waitFor();

    // Space again: the next draft is kept, and the form stops saying it is not.
    await page.evaluate(() => { window.diskFull = false; });
    await page.locator('#dispute-summary').fill('邻里因排水沟发生争执，已调解');
    await failed.waitFor({ state: 'detached' });
  }, log);
});

test('a reload lands on the form being typed and offers back what was in it; a crash loses nothing either', { timeout: 120_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { context, page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    const SUMMARY = '王家与李家因宅基地边界的围墙发生争执，双方各执一词';
    await page.locator('#tab-disputes').click();
    await page.locator('#dispute-new').click();
    await page.locator('#dispute-summary').fill(SUMMARY);
    await page.locator('#dispute-parties').fill('王大明、李小红');
    // The browser asks before a reload (accepted in openApp), and the app opens where it was.
    await reopen(page);
    await page.locator('#dispute-form .draft-offer').waitFor();
    await page.locator('#dispute-form .draft-restore').click();
    await page.waitForFunction((s) => document.getElementById('dispute-summary').value === s, SUMMARY);
    assert.equal(await page.locator('#dispute-parties').inputValue(), '王大明、李小红');

    // A household page is where a reload leaves a worker too.
    await page.locator('#tab-households').click();
    await page.locator('#household-list li').first().click();
    const address = await page.locator('#household-detail h2').innerText();
    await reopen(page);
    await page.locator('#household-detail h2').filter({ hasText: address }).waitFor();

    // A crash: the tab dies without unload handlers; the draft written while typing is there.
    await page.locator('#tab-visits').click();
    await page.locator('#visit-new').click();
    await page.locator('#visit-household-search').fill('组');
    await page.locator('#visit-candidates li').first().click();
    const picked = await page.locator('#visit-households li .address').first().innerText();
    await page.locator('#visit-add-problem').click();
    await page.locator('#visit-add-problem').click();
    await page.locator('.problem-summary').nth(0).fill('路灯坏了三盏');
    await page.locator('.problem-summary').nth(1).fill('低保申请不知道找谁');
    await page.locator('.problem-category').nth(1).fill('惠民政策');
    await page.waitForTimeout(800);
    await page.close({ runBeforeUnload: false });

    const revived = await context.newPage();
    answerDialogs(revived);
    await revived.goto(server.url);
    await unlock(revived);
    // A new tab starts from the list; the form offers its draft when opened.
    await revived.locator('#tab-visits').click();
    await revived.locator('#visit-new').click();
    await revived.locator('#visit-form .draft-offer').waitFor();
    await revived.locator('#visit-form .draft-restore').click();
    await revived.waitForFunction(() => document.querySelectorAll('.problem-category')[1]?.value === '惠民政策');
    assert.equal(await revived.locator('.problem-summary').nth(0).inputValue(), '路灯坏了三盏');
    assert.equal(await revived.locator('.problem-summary').nth(1).inputValue(), '低保申请不知道找谁');
    assert.equal(await revived.locator('.problem-category').nth(1).inputValue(), '惠民政策');
    assert.equal(await revived.locator('#visit-households li .address').first().innerText(), picked);
  }, log);
});

test('新增住户 opens above the list, counts the 户主 as a member and keeps the 十户联防组', { timeout: 120_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    const button = await page.locator('#household-new').boundingBox();
    const list = await page.locator('#household-list').boundingBox();
    assert.ok(button.y < list.y, 'the button sits above the list');
    assert.ok(button.y < 844, 'and on the first screen of a phone');

    await openHouseholdForm(page);
    await page.locator('#household-group').fill('8组');
    await page.locator('#household-address').fill('新民村8组21号');
    await page.locator('#household-head').fill('上官明德');
    await page.locator('#household-joint-group').fill('8组第1联防组');
    await page.locator('#household-add').click();
    await page.locator('#household-form .notice').filter({ hasText: '已保存：上官明德' }).waitFor();

    await page.locator('#household-search').fill('上官明德');
    await page.locator('#household-list li').filter({ hasText: '上官明德' }).click();
    const head = page.locator('#member-list li').filter({ hasText: '上官明德' });
    await head.filter({ hasText: '户主' }).waitFor();
    assert.equal(await page.locator('#member-list li').count(), 1, 'the head is the one member so far');
    assert.equal(await page.locator('#edit-joint-group').inputValue(), '8组第1联防组');

    // Changed on the household's page, and kept.
    await page.locator('#edit-joint-group').fill('8组第2联防组');
    await page.locator('#household-save').click();
    await page.locator('#household-edit-form .notice').filter({ hasText: '已保存' }).waitFor();
    await reopen(page);
    await page.locator('#household-detail').waitFor();
    assert.equal(await page.locator('#edit-joint-group').inputValue(), '8组第2联防组');
  }, log);
});

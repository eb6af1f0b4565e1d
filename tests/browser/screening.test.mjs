// The weekly screening (村（居）周排查, issue 16) in the office's 周报: a dispute a village's
// screening found, registered on the phone with no signal (source 排查发现), reports that
// village for the week once synced; every village that reported nothing is named 未上报, and
// the week before reads as nobody reported. A village that found nothing says so on the phone
// with a 零报告, offered by a reminder on every phone of a village that has not reported this
// week; the reminder stays on the phones of the villages still silent.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  TestServer, comeBackAndSync, goOffline, launchChromium, openApp, openOffice, reopen, syncNow,
} from './support.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('a dispute found by this week’s screening reports its village in the office 周报; the silent villages are named', { timeout: 240_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const phone = await openApp(browser, server, t, 'worker01');
  const office = await openOffice(browser, server, t);
  const log = [...phone.log, ...office.log];
  await server.explain(async () => {
    // Before anything is reported: the office reads every village as not reported this week.
    const o = office.page;
    await o.locator('#tab-weekly').click();
    const rows = o.locator('#weekly-table tbody tr');
    await rows.first().waitFor();
    const villages = await rows.count();
    assert.ok(villages >= 2, `the demo township has villages: ${villages}`);
    assert.equal(await o.locator('#weekly-table tr[data-reported="false"]').count(), villages);

    // 新民村: the screening finds a dispute, registered at the door with no signal.
    const page = phone.page;
    await goOffline(phone.context, page, server);
    await page.locator('#tab-disputes').click();
    await page.locator('#dispute-new').click();
    assert.equal(await page.locator('#dispute-source').inputValue(), 'screening', 'a new dispute is found by screening unless said otherwise');
    await page.locator('#dispute-parties').fill('赵大勇、钱小梅');
    await page.locator('#dispute-summary').fill('3组两户因宅基地界址争执');
    await page.locator('#dispute-save').click();
    await page.locator('#dispute-detail').waitFor();
    await comeBackAndSync(phone.context, page, server);

    await syncNow(o);
    const row = (village) => o.locator(`#weekly-table tr[data-village="${village}"]`);
    await row('v01').filter({ hasText: '发现 1 件' }).waitFor();
    assert.equal(await row('v01').getAttribute('data-reported'), 'true');
    assert.match(await row('v01').innerText(), /已上报/);
    const silent = o.locator('#weekly-table tr[data-reported="false"]');
    assert.equal(await silent.count(), villages - 1, 'every other village is listed as not reported');
    assert.match(await silent.first().innerText(), /未上报/);
    assert.match(await o.locator('#weekly-week').innerText(), new RegExp(`已上报 1 个村（居），未上报 ${villages - 1} 个`));

    // The week before: nobody reported.
    await o.locator('#weekly-previous').click();
    await o.locator('#weekly-week').filter({ hasText: '已上报 0 个村（居）' }).waitFor();
    await o.locator('#weekly-next').click();
    await o.locator('#weekly-week').filter({ hasText: '已上报 1 个村（居）' }).waitFor();

    // Any day of a week picks it: a week of the demo year, every village's rounds in.
    await o.locator('#weekly-day').fill('2022-06-15');
    await o.locator('#weekly-day').dispatchEvent('change');
    await o.locator('#weekly-week').filter({ hasText: '2022年第24周（6月13日—6月19日）' }).waitFor();
    assert.ok(await o.locator('#weekly-table tr[data-reported="true"]').count() > 0, 'the demo year has reports');
    await o.locator('#weekly-table tr').filter({ hasText: '零报告' }).first().waitFor();
  }, log);
});

test('the reminder on a silent village’s phone takes a 零报告 offline; the office 周报 reads it, the other phones keep their reminder', { timeout: 240_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const phone = await openApp(browser, server, t, 'worker02');
  const other = await openApp(browser, server, t, 'worker01');
  const office = await openOffice(browser, server, t);
  const log = [...phone.log, ...other.log, ...office.log];
  await server.explain(async () => {
    const page = phone.page;
    // The demo year is 2022: this week, no village has reported, and each phone says so.
    const reminder = page.locator('#screening-reminder');
    await reminder.waitFor();
    const heading = await reminder.locator('h2').innerText();
    assert.match(heading, /^\S+村本周（\d+月\d+日至\d+月\d+日）还没有上报周排查$/);
    const village = heading.slice(0, heading.indexOf('本周'));
    await other.page.locator('#screening-reminder').waitFor();
    assert.doesNotMatch(await other.page.locator('#screening-reminder h2').innerText(), new RegExp(`^${village}`), 'each phone names its own village');

    // At the door with no signal. Who screened is asked; the worker's name is offered.
    await goOffline(phone.context, page, server);
    await reminder.waitFor();
    const screeners = page.locator('#zero-report-screeners');
    assert.equal(await screeners.inputValue(), `${village}综治专干`);
    await screeners.fill(' ');
    await page.locator('#zero-report').click();
    await reminder.locator('.notice.failed').filter({ hasText: '请填写排查人员' }).waitFor();
    await screeners.fill('王建国、李梅');
    await page.locator('#zero-report').click();
    await page.locator('.notice').filter({ hasText: `已保存${village}本周的零报告` }).waitFor();
    await reminder.waitFor({ state: 'detached' }); // gone once the zero report is saved
    await page.locator('.notice').filter({ hasText: `已保存${village}本周的零报告` }).waitFor();
    // Saved on the device: the app closed and opened again with no signal, still no reminder.
    await reopen(page);
    await page.locator('#household-new').waitFor({ state: 'visible' });
    assert.equal(await reminder.count(), 0);

    await comeBackAndSync(phone.context, page, server);
    const o = office.page;
    await o.locator('#tab-weekly').click();
    await syncNow(o);
    const row = o.locator(`#weekly-table tr[data-reported="true"]`);
    await row.filter({ hasText: '零报告' }).waitFor();
    assert.equal(await row.count(), 1, 'one village reported this week');
    assert.match(await row.innerText(), new RegExp(village));
    assert.match(await row.innerText(), /已上报/);

    // The village still silent keeps its reminder after a sync brings the other's round.
    await syncNow(other.page);
    await other.page.locator('#tab-disputes').click();
    await other.page.locator('#screening-reminder').waitFor();
  }, log);
});

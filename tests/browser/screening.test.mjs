// The weekly screening (村（居）周排查, issue 16) in the office's 周报: a dispute a village's
// screening found, registered on the phone with no signal (source 排查发现), reports that
// village for the week once synced; every village that reported nothing is named 未上报, and
// the week before reads as nobody reported. (The phone's 零报告 and reminder wait on the field
// app's size budget: docs/status.md.)

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  TestServer, comeBackAndSync, goOffline, launchChromium, openApp, openOffice, syncNow,
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

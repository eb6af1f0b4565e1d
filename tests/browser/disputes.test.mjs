// Disputes (矛盾纠纷) with no signal: logged from the weekly screening, a mediation session,
// escalation with a reason, an agreement, closed with a result and reopened with a reason —
// each step the case does not allow refused with the reason; overdue cases listed first.
// Then synced and checked on a second device, which downloads the case from the server.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestServer, comeBackAndSync, goOffline, launchChromium, openApp } from './support.mjs';

const SUMMARY = '东西两户因宅基地边界砌墙发生争执';
const OVERDUE = '养殖场异味引发邻里矛盾';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/**
 * Presses a step's button (办结 asks once more) and waits for what it says: a save at the top
 * of the case, a refusal beside the step's own button, where the worker is looking.
 */
async function step(page, form, said) {
  await page.locator(`#${form} button[type=submit]`).click();
  if (form === 'close-form') {
    await page.locator('#close-question').waitFor();
    await page.locator('#close-confirm').click();
  }
  if (said.startsWith('已保存')) {
    await page.locator('#dispute-notice').filter({ hasText: said }).waitFor();
  } else {
    await page.locator(`#${form} [role=alert][aria-live]`).filter({ hasText: said }).waitFor();
    assert.doesNotMatch(await page.locator('#dispute-notice').innerText(), new RegExp(said), 'the refusal is beside its button, not at the top');
  }
}

test('a dispute logged and mediated offline, through its whole lifecycle, reaches the server', { timeout: 180_000 }, async (t) => {
  const server = await TestServer.start();
  t.after(() => server.cleanup());
  const { context, page, log } = await openApp(browser, server, t);
  await server.explain(async () => {
    await goOffline(context, page, server);
    await page.locator('#tab-disputes').click();
    await page.locator('#dispute-new').click();

    await page.locator('#dispute-save').click();
    await page.locator('#dispute-form [data-field="summary"]').filter({ hasText: '请填写纠纷简要情况' }).waitFor();
    await page.locator('#dispute-form [data-field="parties"]').filter({ hasText: '请填写当事人' }).waitFor();

    await page.locator('#dispute-source').selectOption('screening');
    await page.locator('#dispute-category').selectOption('land');
    await page.locator('#dispute-parties').fill('张大山、李四海');
    await page.locator('#dispute-summary').fill(SUMMARY);
    await page.locator('#dispute-deadline').fill('2099-12-31');
    await page.locator('#dispute-save').click();
    const detail = page.locator('#dispute-detail');
    await detail.filter({ hasText: SUMMARY }).waitFor();
    await page.locator('#dispute-status-label').filter({ hasText: '已登记' }).waitFor();

    // 办结 asks first; 取消 leaves the case as it was.
    await page.locator('#close-result').fill('双方同意');
    await page.locator('#close-save').click();
    await page.locator('#close-question').filter({ hasText: '确认办结' }).waitFor();
    await page.locator('#close-form button', { hasText: '取消' }).click();
    await page.locator('#close-save').waitFor();
    await page.locator('#dispute-status-label').filter({ hasText: '已登记' }).waitFor();

    // Closing as resolved with nothing agreed is refused, and changes nothing.
    await step(page, 'close-form', '以“化解”办结须有达成一致的调解或签订的协议');
    await page.locator('#dispute-status-label').filter({ hasText: '已登记' }).waitFor();

    await page.locator('#mediation-actions').fill('村调委会到现场丈量，提出以旧界桩为准');
    await page.locator('#mediation-result').selectOption('partly_agreed');
    await step(page, 'mediation-form', '已保存：调解记录');
    await page.locator('#dispute-status-label').filter({ hasText: '调处中' }).waitFor();

    await step(page, 'escalate-form', '上交须写明原因');
    await page.locator('#escalate-reason').fill('涉及宅基地审批，需村委会协调');
    await page.locator('#escalate-leader').fill('村支书李明');
    await page.locator('#escalate-deadline').fill('2099-06-30');
    await step(page, 'escalate-form', '已保存：已上交');
    await page.locator('#dispute-level-label').filter({ hasText: '村（居）' }).waitFor();
    await page.locator('#dispute-leader').filter({ hasText: '村支书李明' }).waitFor();
    await detail.filter({ hasText: '办结期限 2099-06-30' }).waitFor();

    await step(page, 'agreement-form', '已保存：协议');
    await page.locator('#close-resolution').selectOption('resolved');
    await page.locator('#close-result').fill('按旧界桩重砌围墙，双方签字');
    await step(page, 'close-form', '已保存：已办结');
    await page.locator('#dispute-status-label').filter({ hasText: '已办结' }).waitFor();

    await step(page, 'reopen-form', '重新开启须写明原因');
    await page.locator('#reopen-reason').fill('一方反悔，围墙未按协议砌');
    await step(page, 'reopen-form', '已保存：已重新开启');
    await page.locator('#dispute-status-label').filter({ hasText: '调处中' }).waitFor();
    const history = page.locator('#dispute-history li');
    for (const text of ['调解', '上交：村民小组 → 村（居）', '签订调解协议', '办结（化解）', '重新开启']) {
      await history.filter({ hasText: text }).first().waitFor();
    }

    // An overdue case goes to the top of the open cases, marked.
    await page.locator('.back').click();
    await page.locator('#dispute-new').click();
    await page.locator('#dispute-parties').fill('王五');
    await page.locator('#dispute-summary').fill(OVERDUE);
    await page.locator('#dispute-deadline').fill('2024-01-31');
    await page.locator('#dispute-save').click();
    await page.locator('#dispute-detail').filter({ hasText: OVERDUE }).waitFor();
    await page.locator('.back').click();
    const late = page.locator('#dispute-list li').filter({ hasText: OVERDUE });
    await late.filter({ hasText: '已逾期' }).waitFor();
    assert.equal(await late.getAttribute('data-overdue'), 'true');
    const flags = await page.locator('#dispute-list li').evaluateAll((rows) => rows.map((li) => li.dataset.overdue));
    assert.deepEqual(flags, [...flags].sort().reverse(), 'every overdue case is listed before the others');
    assert.ok(flags.includes('false'), 'the case with a far deadline is listed too');

    await comeBackAndSync(context, page, server);

    const other = await openApp(browser, server, t);
    await other.page.locator('#tab-disputes').click();
    await other.page.locator('#dispute-list li[data-synced="true"]').filter({ hasText: SUMMARY.slice(0, 10) }).click();
    await other.page.locator('#dispute-status-label').filter({ hasText: '调处中' }).waitFor();
    await other.page.locator('#dispute-level-label').filter({ hasText: '村（居）' }).waitFor();
    await other.page.locator('#dispute-history li').filter({ hasText: '一方反悔' }).waitFor();
    await other.page.locator('#dispute-leader').filter({ hasText: '村支书李明' }).waitFor();
  }, log);
});

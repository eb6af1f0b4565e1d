// Every screen of both bundles, and how to reach it on the demo township: the one list the
// screen test (`every-screen.test.mjs`, no English or internal value shown to a person, no
// sideways scrolling) and the screenshots (`screenshots.mjs`, docs/screenshots/) walk.
//
// A walk is one browser context per bundle and width, opened on the bundle's login screen;
// `SCREENS` are visited in their order, each `visit(page, env)` starting from wherever the
// one before left the page (most open their tab first, so they do not depend on it) and
// waiting for an element of its own screen, never for time. `leave(page, env)`, when given,
// undoes what the visit did that would show on every later screen (offline, a question open,
// a returned record). `focus` is the element scrolled to the top before a screenshot.
//
// `prepare(browser, server)` first gives the demo township what some screens need: a
// household the office approved that then changed on two phones at once (diff, conflict and
// history on its review page), and a person registered in two villages (查重).

import assert from 'node:assert/strict';
import {
  PASSWORD, citizenId, conflictingAddresses, editHouseholdAddress, openApp, syncNow, synced,
} from './support.mjs';

/** The two sizes every screen is checked and pictured at: a phone and an office desktop. */
export const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1366, height: 900 },
];

/** Who logs in to each bundle, and where it is served. */
export const BUNDLES = {
  field: { path: '', user: 'worker01' },
  office: { path: 'office.html', user: 'reviewer' },
};

/** What `prepare` adds to the demo township. */
export const FIXTURE = {
  head: '诸葛春生',
  address: '新民村4组16号',
  /** The addresses the household gets: after approval, then on two phones at once. */
  changed: '新民村4组18号',
  conflicting: ['新民村4组20号', '新民村4组22号'],
  /** One citizen ID number registered in 新民村 and in 百丈村. */
  duplicateId: citizenId('33011019900214002'),
  duplicateNames: ['诸葛春生', '韩雪玫'],
  secondPhone: { username: 'worker01b', name: '新民村网格员', village: 'v01' },
  /** What the office writes when it returns a record to the worker. */
  returnComment: '门牌号与户口簿不一致，请核对后更正',
};

/** The demo township's server API as the reviewer, straight from Node. */
export async function reviewerApi(server) {
  const device = 'node-screens';
  const login = await fetch(`${server.url}api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'reviewer', password: PASSWORD, device_id: device }),
  });
  assert.equal(login.status, 200, `reviewer login: ${login.status}`);
  const { token } = await login.json();
  const call = async (method, path, body) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'X-Pingan-Device': device,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.equal(response.status, 200, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
    return response.json();
  };
  /** `approve` or `return` the record as it now stands on the server. */
  const judge = async (id, verdict, comment = '') => {
    const { heads } = await call('GET', `api/review/records/${encodeURIComponent(id)}`);
    return call('POST', `api/review/records/${encodeURIComponent(id)}/${verdict}`, { heads, comment });
  };
  return { call, judge };
}

/** The 新增住户 form, opened by its button above the list when it is closed. */
async function householdForm(page) {
  await page.locator('#tab-households').click();
  const form = page.locator('#household-form');
  const button = page.locator('#household-new');
  await form.or(button).first().waitFor();
  if (!(await form.isVisible())) await button.click();
  await form.waitFor();
}

/** Registers a household at the door and returns its id. */
async function addHousehold(page, group, address, head) {
  await householdForm(page);
  await page.locator('#household-group').fill(group);
  await page.locator('#household-address').fill(address);
  await page.locator('#household-head').fill(head);
  await page.locator('#household-add').click();
  await page.locator('#household-form .notice').filter({ hasText: '已保存' }).waitFor();
  const row = page.locator('#household-list li').filter({ hasText: address }).filter({ hasText: head });
  return row.getAttribute('data-id');
}

/** The household's head, as its first member, given a citizen ID number. */
async function addHead(page, address, head, id) {
  await page.locator('#household-search').fill(head);
  await page.locator('#household-list li').filter({ hasText: address }).filter({ hasText: head }).click();
  await page.locator('#household-detail').waitFor();
  const member = page.locator('#member-list li').filter({ hasText: head });
  if (await member.count()) {
    await member.locator('.member-edit').click();
    await page.waitForFunction(() => document.querySelector('#member-name')?.value !== '');
  } else {
    await page.locator('#member-name').fill(head);
    await page.locator('#member-relation').selectOption('head');
  }
  await page.locator('#member-citizen-id').fill(id);
  await page.locator('#member-save').click();
  await page.locator('#member-form .notice').filter({ hasText: '已保存' }).waitFor();
}

/**
 * Gives the demo township on `server` what the screens need (see the top of this file), and
 * returns what the walks are to be given besides `FIXTURE`.
 */
export async function prepare(browser, server) {
  const f = FIXTURE;
  await server.addWorker(f.secondPhone.username, f.secondPhone.name, f.secondPhone.village);
  const cleanups = [];
  const t = { after: (fn) => cleanups.push(fn) };
  try {
    const phone = await openApp(browser, server, t, 'worker01');
    const household = await addHousehold(phone.page, '4组', f.address, f.head);
    await addHead(phone.page, f.address, f.head, f.duplicateId);
    await syncNow(phone.page);

    const other = await openApp(browser, server, t, 'worker02');
    await addHousehold(other.page, '2组', '百丈村2组99号', f.duplicateNames[1]);
    await addHead(other.page, '百丈村2组99号', f.duplicateNames[1], f.duplicateId);
    await syncNow(other.page);

    // Approved, then changed on the phone and, concurrently, on a second phone.
    const api = await reviewerApi(server);
    await api.judge(household, 'approve');
    await editHouseholdAddress(phone.page, f.head, f.changed);
    await syncNow(phone.page);
    const second = await openApp(browser, server, t, f.secondPhone.username);
    await conflictingAddresses([phone, second], f.head, f.conflicting);
    return { household };
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

/** The context a walk runs in: one bundle at one size, Chinese locale, 1 px per CSS px. */
export async function openWalk(browser, server, bundle, viewport, questions = []) {
  // In China: the device's clock reads China time, as the office's dates do.
  const context = await browser.newContext({
    viewport, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true,
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  // Leaving or reloading a half-typed form asks through the browser (confirm, beforeunload):
  // the walk means it. What the question says is kept for the screen test to read.
  page.on('dialog', (dialog) => {
    questions.push(dialog.message());
    dialog.accept();
  });
  await page.goto(`${server.url}${BUNDLES[bundle].path}`);
  await page.locator('#login-form').waitFor();
  return { context, page };
}

/** What a visit is given besides the page. */
export function walkEnv(server, bundle, viewport, fixture, api) {
  return { server, bundle, viewport, user: BUNDLES[bundle].user, fixture, api };
}

/**
 * The app open and logged in: from the first login, the locked screen (a reload) or an open
 * app alike. The first login waits for its sync to finish, so lists are full.
 */
async function open(page, env) {
  const tabs = page.locator('nav.tabs');
  const login = page.locator('#login-submit');
  await tabs.or(login).first().waitFor();
  if (await tabs.isVisible()) return;
  const username = page.locator('#login-username');
  if (await username.isVisible()) await username.fill(env.user);
  await page.locator('#login-password').fill(PASSWORD);
  await login.click();
  await tabs.waitFor();
  await synced(page);
}

/**
 * Opens a tab. Leaving a form with typed input asks through the browser (`confirm`), which the
 * walk accepts (`openWalk`).
 */
async function tab(page, env, id) {
  await open(page, env);
  await page.locator(`#${id}`).click();
}

/** A resident the server refuses, one per width (the same name twice would be a duplicate). */
const refusedName = (env) => (env.viewport.width < 800 ? '孔祥云' : '孔祥雨');

const first = (page, list) => page.locator(`${list} li`).first();

/** A household of the worker's village other than the one `prepare` added. */
function demoHousehold(page, env, nth = 0) {
  return page.locator('#household-list li').filter({ hasNotText: env.fixture.head }).nth(nth);
}

/** Waits for a refusal or hint with text in it (the element exists, empty, before). */
const said = (locator) => locator.filter({ hasText: /\S/ }).waitFor();

/** Every screen of the field app (`/`, a village worker) and of the office (`/office.html`). */
export const SCREENS = [
  // ---- The field app, as worker01 (新民村) ----
  {
    name: 'field-login',
    title: '登录（首次使用）',
    bundle: 'field',
    async visit(page) {
      await page.locator('#login-username').waitFor();
    },
  },
  {
    name: 'field-login-refused',
    title: '登录：密码错误',
    bundle: 'field',
    async visit(page, env) {
      await page.locator('#login-username').fill(env.user);
      await page.locator('#login-password').fill('not-the-password');
      await page.locator('#login-submit').click();
      await said(page.locator('#login-error'));
    },
  },
  {
    name: 'households',
    title: '住户列表',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-households');
      await first(page, '#household-list').waitFor();
    },
  },
  {
    name: 'household-new',
    title: '新增住户（未填写就保存）',
    bundle: 'field',
    focus: '#household-form',
    async visit(page, env) {
      await tab(page, env, 'tab-households');
      await householdForm(page);
      await page.locator('#household-add').click();
      await page.locator('#household-form .field-error').first().waitFor();
    },
  },
  {
    name: 'household',
    title: '户：家庭成员',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-households');
      await demoHousehold(page, env).click();
      await page.locator('#household-detail').waitFor();
    },
  },
  {
    name: 'member-add',
    title: '户：添加成员',
    bundle: 'field',
    focus: '#member-form',
    async visit(page, env) {
      await tab(page, env, 'tab-households');
      await demoHousehold(page, env).click();
      await page.locator('#member-form').waitFor();
      await page.locator('#member-name').fill('孙小雨');
      await page.locator('#member-relation').selectOption('child');
      // The number `prepare` registered twice: the form says who else carries it.
      await page.locator('#member-citizen-id').fill(env.fixture.duplicateId);
      await page.locator('#duplicate-warning').waitFor();
    },
    async leave(page) {
      for (const id of ['#member-name', '#member-citizen-id']) await page.locator(id).fill('');
    },
  },
  {
    name: 'household-edit',
    title: '户：修改住户信息',
    bundle: 'field',
    focus: '#household-edit-form',
    async visit(page, env) {
      await tab(page, env, 'tab-households');
      await demoHousehold(page, env).click();
      await page.locator('#household-edit-form').waitFor();
    },
  },
  {
    name: 'floating',
    title: '流动人口列表',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-floating');
      await first(page, '#floating-list').waitFor();
    },
  },
  {
    name: 'floating-new',
    title: '登记流动人口（输入身份证号后）',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-floating');
      await page.locator('#floating-new').click();
      await page.locator('#floating-citizen-id').fill(citizenId('51012219880517123'));
      await page.locator('#floating-derived').waitFor();
      await page.locator('#floating-name').fill('孙建华');
    },
    async leave(page) {
      for (const id of ['#floating-citizen-id', '#floating-name']) await page.locator(id).fill('');
    },
  },
  {
    name: 'rental-houses',
    title: '出租房屋列表',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-rental');
      await first(page, '#rental-list').waitFor();
    },
  },
  {
    name: 'rental-house',
    title: '出租房屋及其租户',
    bundle: 'field',
    focus: 'section:has(> #tenant-list)',
    async visit(page, env) {
      await tab(page, env, 'tab-rental');
      await page.locator('#rental-list li').filter({ hasNotText: '租户 0 人' }).first().click();
      await first(page, '#tenant-list').waitFor();
    },
  },
  {
    name: 'rental-new',
    title: '登记出租房屋',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-rental');
      await page.locator('#rental-new').click();
      await page.locator('#rental-form').waitFor();
    },
  },
  {
    name: 'disputes',
    title: '矛盾纠纷列表',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-disputes');
      await first(page, '#dispute-list').waitFor();
    },
  },
  {
    name: 'dispute-new',
    title: '登记矛盾纠纷',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-disputes');
      await page.locator('#dispute-new').click();
      await page.locator('#dispute-form').waitFor();
    },
  },
  {
    name: 'draft-offered',
    title: '登记矛盾纠纷：恢复未保存的草稿',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-disputes');
      await page.locator('#dispute-new').click();
      await page.locator('#dispute-parties').fill('李大山、王小河');
      await page.locator('#dispute-summary').fill('两家宅基地边界有争议，');
      // Leaving asks (the browser's own question, which the walk accepts); the draft stays.
      await tab(page, env, 'tab-visits');
      await first(page, '#visit-list').waitFor();
      await tab(page, env, 'tab-disputes');
      await page.locator('#dispute-new').click();
      await page.locator('#dispute-form .draft-offer').waitFor();
    },
    async leave(page) {
      await page.locator('#dispute-form .draft-discard').click();
    },
  },
  {
    name: 'dispute',
    title: '纠纷：办理经过',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-disputes');
      await first(page, '#dispute-list').click();
      await page.locator('#dispute-detail').waitFor();
      await page.locator('#mediation-form').waitFor();
    },
  },
  {
    name: 'dispute-close',
    title: '纠纷：办结（未填调处结果）',
    bundle: 'field',
    focus: '#close-form',
    async visit(page, env) {
      await tab(page, env, 'tab-disputes');
      await first(page, '#dispute-list').click();
      await page.locator('#close-save').click();
      await page.locator('#close-question').waitFor();
      await page.locator('#close-confirm').click();
      await said(page.locator('#close-form [role=alert]'));
    },
  },
  {
    name: 'dispute-closed',
    title: '纠纷：已办结，重新开启',
    bundle: 'field',
    focus: '#reopen-form',
    async visit(page, env) {
      await tab(page, env, 'tab-disputes');
      await page.locator('#dispute-status').selectOption('closed');
      await first(page, '#dispute-list').click();
      await page.locator('#reopen-form').waitFor();
    },
  },
  {
    name: 'visits',
    title: '走访列表',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-visits');
      await first(page, '#visit-list').waitFor();
    },
  },
  {
    name: 'visit',
    title: '走访记录',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-visits');
      await first(page, '#visit-list').click();
      await page.locator('#visit-form').waitFor();
      await page.locator('#visit-households li').first().waitFor();
    },
  },
  {
    name: 'visit-new',
    title: '记录走访',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-visits');
      await page.locator('#visit-new').click();
      await page.locator('#visit-add-problem').click();
      await page.locator('.raised[data-index="0"]').waitFor();
    },
  },
  {
    name: 'returned',
    title: '镇综治办退回的记录',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-households');
      const id = await demoHousehold(page, env, 1).getAttribute('data-id');
      await env.api.judge(id, 'return', env.fixture.returnComment);
      await syncNow(page);
      await page.locator('#returned-list li').filter({ hasText: env.fixture.returnComment }).locator('button').click();
      await page.locator('#returned-note').waitFor();
      await page.locator('#household-detail').waitFor();
    },
    // Corrected and synced, the record leaves the list (else every later screen shows it).
    async leave(page, env) {
      // A new number at each width: the same value again would be no change to upload.
      await page.locator('#edit-contact-name').fill('罗大成');
      await page.locator('#edit-contact-phone').fill(`139057${String(env.viewport.width).padStart(5, '0')}`);
      await page.locator('#household-save').click();
      await page.locator('#household-edit-form .notice').filter({ hasText: '已保存' }).waitFor();
      await syncNow(page);
      await page.locator('#returned').waitFor({ state: 'detached' });
    },
  },
  {
    name: 'logout-question',
    title: '离线时退出：还有记录未上传',
    bundle: 'field',
    async visit(page, env) {
      await tab(page, env, 'tab-households');
      // No signal: the browser offline, and the server out of reach even for a request the
      // emulation lets through.
      await page.context().route('**/api/**', (route) => route.abort('internetdisconnected'));
      await page.context().setOffline(true);
      await householdForm(page);
      await page.locator('#household-group').fill('5组');
      await page.locator('#household-address').fill(`新民村5组${env.viewport.width}号`);
      await page.locator('#household-head').fill('欧阳晓东');
      await page.locator('#household-add').click();
      await page.locator('#household-form .notice').filter({ hasText: '已保存' }).waitFor();
      await page.locator('#pending-count').filter({ hasText: /待上传 [1-9]/ }).waitFor();
      await page.locator('#logout').click();
      await page.locator('#logout-confirm').waitFor();
    },
    async leave(page) {
      await page.locator('#logout-cancel').click();
      await page.context().unroute('**/api/**');
      await page.context().setOffline(false);
      await syncNow(page);
    },
  },
  {
    name: 'sync-refused',
    title: '同步：服务器退回的记录',
    bundle: 'field',
    // The phone's clock three days ahead: "arrived today" is a future date to the server,
    // which refuses the record; the phone cannot know.
    async visit(page, env) {
      await tab(page, env, 'tab-floating');
      await page.clock.install({ time: Date.now() + 3 * 86_400_000 });
      await page.locator('#floating-new').click();
      await page.locator('#floating-name').fill(refusedName(env));
      await page.locator('#floating-origin').fill('四川省');
      await page.locator('#floating-save').click();
      await page.locator('#floating-form .notice').filter({ hasText: '已保存' }).waitFor();
      await page.locator('#sync-now').click();
      await page.locator('#refused-list li').filter({ hasText: refusedName(env) }).waitFor();
    },
    focus: '#refused',
    // The clock right again, the record corrected and uploaded: the list is gone.
    async leave(page, env) {
      await page.clock.setSystemTime(Date.now());
      await page.locator('#refused-list li').filter({ hasText: refusedName(env) }).locator('.fix').click();
      // The record loaded into the form (its refusal shown) before the date is typed over.
      await page.locator('#floating-form .needs-correction').waitFor();
      await page.locator('#floating-arrival').fill('2024-01-15');
      await page.locator('#floating-save').click();
      await page.locator('#floating-form .notice').filter({ hasText: '已保存' }).waitFor();
      await syncNow(page);
      await page.locator('#refused').waitFor({ state: 'detached' });
    },
  },
  {
    name: 'field-locked',
    title: '打开应用：输入密码解锁',
    bundle: 'field',
    async visit(page, env) {
      await open(page, env);
      await page.reload();
      await page.locator('#login-password').waitFor();
      assert.equal(await page.locator('#login-username').inputValue(), env.user, 'the locked screen offers the last worker');
    },
  },

  // ---- The township office, as reviewer ----
  {
    name: 'office-login',
    title: '镇综治办：登录',
    bundle: 'office',
    async visit(page) {
      await page.locator('#login-username').waitFor();
    },
  },
  {
    name: 'office-queue',
    title: '待审核',
    bundle: 'office',
    async visit(page, env) {
      await tab(page, env, 'tab-review');
      await first(page, '#queue-list').waitFor();
    },
  },
  {
    name: 'office-review',
    title: '审核一条记录：修改、冲突',
    bundle: 'office',
    async visit(page, env) {
      await openReview(page, env);
    },
  },
  {
    name: 'office-history',
    title: '审核一条记录：修改历史',
    bundle: 'office',
    focus: '#history',
    async visit(page, env) {
      await openReview(page, env);
      await page.locator('#history-show').click();
      await page.locator('#history-steps li').nth(1).click();
      await page.locator('#record-at').waitFor();
    },
  },
  {
    name: 'office-return',
    title: '审核一条记录：退回前确认',
    bundle: 'office',
    focus: '#verdict',
    async visit(page, env) {
      await openReview(page, env);
      await page.locator('#verdict-comment').fill('住址有两个不同的门牌号，请到现场核对');
      await page.locator('#return').click();
      await page.locator('#return-question').waitFor();
    },
    async leave(page) {
      await page.locator('#return-cancel').click();
    },
  },
  {
    name: 'office-dashboard',
    title: '纠纷督办',
    bundle: 'office',
    async visit(page, env) {
      await tab(page, env, 'tab-dashboard');
      await first(page, '#chase-list').waitFor();
    },
  },
  {
    name: 'office-weekly',
    title: '村（居）周排查周报',
    bundle: 'office',
    async visit(page, env) {
      await tab(page, env, 'tab-weekly');
      // A week of the demo year: zero reports, disputes found, and a village that stayed silent.
      await page.locator('#weekly-day').fill('2022-06-15');
      await page.locator('#weekly-day').dispatchEvent('change');
      await page.locator('#weekly-week').filter({ hasText: '2022年第24周' }).waitFor();
    },
  },
  {
    name: 'office-statistics',
    title: '统计（2022年）',
    bundle: 'office',
    async visit(page, env) {
      await tab(page, env, 'tab-statistics');
      await period(page, 'stats');
      await page.locator('#chart-trend').waitFor();
    },
  },
  {
    name: 'office-duplicates',
    title: '重复登记的人员',
    bundle: 'office',
    async visit(page, env) {
      await tab(page, env, 'tab-duplicates');
      await page.locator(`.duplicate-group[data-citizen-id="${env.fixture.duplicateId}"]`).waitFor();
    },
  },
  {
    name: 'office-ledgers',
    title: '台账下载',
    bundle: 'office',
    async visit(page, env) {
      await tab(page, env, 'tab-ledgers');
      await period(page, 'ledger');
      await page.locator('#ledgers li[data-ledger="disputes"]').waitFor();
    },
  },
  // The office's copies of the field lists: the whole township, every village's records.
  ...[
    ['households', '住户', '#household-list'],
    ['floating', '流动人口', '#floating-list'],
    ['rental', '出租房屋', '#rental-list'],
    ['disputes', '矛盾纠纷', '#dispute-list'],
    ['visits', '走访', '#visit-list'],
  ].map(([key, title, list]) => ({
    name: `office-${key}`,
    title: `全镇${title}`,
    bundle: 'office',
    async visit(page, env) {
      await tab(page, env, `tab-${key}`);
      await first(page, list).waitFor();
    },
  })),
];

/** The year the demo township's records fall in. */
const YEAR = { from: '2022-01-01', to: '2022-12-31' };

async function period(page, prefix) {
  for (const [end, value] of [['from', YEAR.from], ['to', YEAR.to]]) {
    await page.locator(`#${prefix}-${end}`).fill(value);
    await page.locator(`#${prefix}-${end}`).dispatchEvent('change');
  }
  await page.locator(`#${prefix}-to`).blur();
}

/** The review page of the household `prepare` approved and that then changed twice at once. */
async function openReview(page, env) {
  await tab(page, env, 'tab-review');
  await page.locator('#queue-village').selectOption('v01');
  await page.locator('#queue-type').selectOption('household');
  await page.locator('#queue-list li').filter({ hasText: env.fixture.head }).click();
  await page.locator('#record-review').waitFor();
  await page.locator('#conflicts').waitFor();
}

/** Scrolls `selector` to the top of the window, below the sticky sync bar. */
export async function scrollTo(page, selector) {
  await page.evaluate((selector) => {
    const target = selector ? document.querySelector(selector) : null;
    if (!target) {
      window.scrollTo(0, 0);
      return;
    }
    const bar = document.querySelector('.sync-bar');
    const covered = bar ? bar.getBoundingClientRect().height : 0;
    window.scrollTo(0, Math.max(0, target.getBoundingClientRect().top + window.scrollY - covered - 8));
  }, selector ?? null);
}

/**
 * Walks `bundle`'s screens at `viewport`, calling `each(screen, page, questions)` on every one
 * once it is shown; `questions` are what the browser's own dialogs asked on the way there.
 * Throws, naming the screen, when one cannot be reached. `each` may run a node:test subtest;
 * the walk goes on whatever it finds.
 */
export async function walk(browser, server, bundle, viewport, fixture, each) {
  const questions = [];
  const { context, page } = await openWalk(browser, server, bundle, viewport, questions);
  const env = walkEnv(server, bundle, viewport, { ...FIXTURE, ...fixture }, await reviewerApi(server));
  try {
    for (const screen of SCREENS.filter((s) => s.bundle === bundle)) {
      questions.length = 0;
      try {
        await screen.visit(page, env);
      } catch (err) {
        err.message = `could not reach screen ${screen.name} at ${viewport.width} px: ${err.message}`;
        throw err;
      }
      await scrollTo(page, screen.focus);
      await each(screen, page, [...questions]);
      await scrollTo(page, null);
      if (screen.leave) await screen.leave(page, env);
    }
  } finally {
    await context.close();
  }
}

// Phone-size screenshots of the field app's main screens, for the README:
//   PINGAN_SERVER_BIN=target/debug/pingan-server PINGAN_ASSETS=target/dist node tests/browser/screenshots.mjs
// (after `cargo xtask dist` and building the server). Writes docs/screenshots/app-*.png.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TestServer, citizenId, launchChromium, openApp } from './support.mjs';

const out = path.join(path.dirname(new URL(import.meta.url).pathname), '../../docs/screenshots');
await mkdir(out, { recursive: true });
const server = await TestServer.start();
const browser = await launchChromium();
const cleanups = [];
const t = { after: (fn) => cleanups.push(fn) };
try {
  const { page } = await openApp(browser, server, t, 'worker01', { deviceScaleFactor: 2, locale: 'zh-CN' });
  const shot = (name) => page.screenshot({ path: path.join(out, `app-${name}.png`) });

  await shot('households');
  await page.locator('#household-list li').first().click();
  await page.locator('#member-list').waitFor();
  await shot('household');

  await page.locator('#tab-floating').click();
  await page.locator('#floating-new').click();
  await page.locator('#floating-citizen-id').fill(citizenId('51012219880517123'));
  await page.locator('#floating-derived').waitFor();
  await page.locator('#floating-name').fill('孙建华');
  await shot('floating');

  await page.locator('#tab-rental').click();
  await page.locator('#rental-list li').first().waitFor();
  await shot('rental-houses');

  await page.locator('#tab-disputes').click();
  await page.locator('#dispute-list li').first().click();
  await page.locator('#dispute-detail').waitFor();
  await shot('dispute');

  await page.locator('#tab-visits').click();
  await page.locator('#visit-list li').first().click();
  await page.locator('#visit-form').waitFor();
  await shot('visit');
  console.log(`screenshots written to ${out}`);
} finally {
  for (const fn of cleanups.reverse()) await fn();
  await browser.close();
  await server.cleanup();
}

// axe-core in Chromium over every portal page, in both languages, clean and with errors
// showing: no serious or critical violation anywhere.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { seriousViolations, waitForHydration } from './browser-helpers';
import { multipart, post, submissionIdOf, tokenOf, validComplaint } from './portal-client';

let server: TestServer;
let browser: Browser;
let token: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const sid = await submissionIdOf(server, '/complaint');
  token = tokenOf(await post(server, '/complaint', multipart(validComplaint(sid, { description: '基金销售时未做风险提示。' }))));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function check(page: Page, label: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, `${label}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await waitForHydration(page);
}

/** Sends the form empty, so every error is on screen (Conform shows them without a round trip). */
async function submitEmpty(page: Page, formId: string): Promise<void> {
  await page.click(`#${formId} button[type=submit]`);
  await page.waitForSelector(`#${formId} [aria-invalid="true"]`);
}

it('the check itself finds a violation when there is one', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent('<html lang="en"><head><title>fixture</title></head><body><main><img src="data:,"><input type="text"></main></body></html>');
  expect((await seriousViolations(page)).map((v) => v.id).sort()).toEqual(['image-alt', 'label']);
  await context.close();
});

type Step = [label: string, path: string, errorsOf?: string];
const STEPS: Step[] = [
  ['home', '/'],
  ['complaint form', '/complaint'],
  ['complaint form with errors', '/complaint', 'complaint'],
  ['feedback form', '/feedback'],
  ['feedback form with errors', '/feedback', 'feedback'],
  ['confirmation', '/track/:token/sent'],
  ['tracking page', '/track/:token'],
  ['tracking page with errors', '/track/:token', 'follow-up'],
  ['lost link', '/track'],
  ['lost link with errors', '/track', 'lost-link'],
];

describe.each([
  ['en', 'en-GB'],
  ['zh', 'zh-CN'],
] as const)('accessibility in %s', (_lang, locale) => {
  it.each(STEPS)('%s', async (label, path, errorsOf) => {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    await open(page, path.replace(':token', token));
    if (errorsOf) await submitEmpty(page, errorsOf);
    await check(page, label);
    await context.close();
  });

  it('the complaint form as the server sends it back with errors, without JavaScript', async () => {
    const context = await browser.newContext({ locale, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/complaint`);
    await page.click('button[type=submit].primary');
    await page.waitForSelector('[role=alert]');
    // axe needs script and the page itself ran none: check the same markup in a scripted page.
    const js = await browser.newContext({ locale });
    const view = await js.newPage();
    await view.setContent(await page.content());
    await check(view, 'complaint errors (server-rendered)');
    await js.close();
    await context.close();
  });
});

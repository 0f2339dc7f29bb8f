// The portal in headless Chromium: a Chinese complaint with a PDF from form to tracking page
// and acknowledgement email, the same form without JavaScript, errors in English beside their
// fields, and a submission made with the keyboard alone.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { tabTo, waitForHydration } from './browser-helpers';
import { EXE, findEml, PDF } from './portal-client';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('portal in the browser', () => {
  it('takes a complaint in Chinese with a PDF, confirms it, tracks it and adds a follow-up', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/complaint`);
    await waitForHydration(page);
    expect(await page.locator('h1').textContent()).toBe('我要投诉');

    await page.fill('#complaint-name', '王小明');
    await page.fill('#complaint-email', 'wang.xiaoming@example.com');
    await page.fill('#complaint-phone', '138 0013 8000');
    await page.selectOption('#complaint-product', 'funds');
    await page.selectOption('#complaint-cause', 'unsuitable');
    await page.fill('#complaint-occurredOn', '2026-02-14');
    await page.fill('#complaint-amount', '20000');
    await page.fill('#complaint-description', '客户经理向我推荐了高风险基金，但我的风险评估是保守型。');
    await page.fill('#complaint-outcome', '请退还本金和手续费。');
    await page.check('#complaint-consent');
    await page.setInputFiles('#complaint-attachments', { name: '风险评估.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.click('button[type=submit].primary');

    await page.waitForURL(/\/track\/[\w-]{43}\/sent$/);
    const reference = (await page.getByTestId('reference').textContent())!.trim();
    expect(reference).toMatch(/^CMP-\d{4}-\d{6}$/);
    expect(await page.locator('h1').textContent()).toBe('谢谢，我们已收到');
    const token = /\/track\/([\w-]{43})\/sent$/.exec(page.url())![1]!;
    expect(await page.getByTestId('tracking-link').textContent()).toContain(`/track/${token}`);

    await page.getByTestId('tracking-link').click();
    await page.waitForURL(new RegExp(`/track/${token}$`));
    await waitForHydration(page);
    expect(await page.locator('h1').textContent()).toBe(`案件 ${reference}`);
    expect(await page.getByTestId('status').textContent()).toBe('已受理：我们会尽快处理');
    // CN-NFRA: a decision within 15 calendar days, shown as a date.
    expect(await page.getByTestId('expected-decision-by').textContent()).toMatch(/\d{4}/);
    expect(await page.getByTestId('message').first().textContent()).toContain('风险评估.pdf');

    await page.fill('#follow-up-text', '补充：购买时没有录音录像。');
    await page.click('#follow-up button[type=submit]');
    await page.getByText('您的留言已加入案件。').waitFor();
    await expect.poll(() => page.getByTestId('message').count()).toBe(2);
    expect(await page.getByTestId('message').nth(1).textContent()).toContain('补充：购买时没有录音录像。');
    // The form started over, so a second follow-up is a new message, not a replay.
    expect(await page.inputValue('#follow-up-text')).toBe('');

    const eml = await findEml(server, reference, `/track/${token}`);
    expect(eml).toContain('我们已收到您的投诉');
    expect(eml.toLowerCase()).toContain('to: wang.xiaoming@example.com');
    await context.close();
  });

  it('works with JavaScript disabled', async () => {
    const context = await browser.newContext({ locale: 'en-GB', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/complaint`);
    // First a mistake: the server sends the form back with the error and what was typed.
    await page.fill('#complaint-name', 'Jane Doe');
    await page.fill('#complaint-email', 'jane@example');
    await page.setInputFiles('#complaint-attachments', { name: 'statement.pdf', mimeType: 'application/pdf', buffer: EXE });
    await page.click('button[type=submit].primary');
    await page.waitForLoadState('domcontentloaded');
    expect(await page.inputValue('#complaint-name')).toBe('Jane Doe');
    expect(await page.locator('#complaint-email-error').textContent()).toBe('Enter an email address such as name@example.com.');
    expect(await page.locator('#complaint-attachments-error').textContent()).toContain('“statement.pdf” is not a PDF, PNG or JPEG file.');

    await page.fill('#complaint-email', 'jane@example.com');
    await page.selectOption('#complaint-product', 'cards');
    await page.selectOption('#complaint-cause', 'fees');
    await page.fill('#complaint-occurredOn', '2026-01-10');
    await page.fill('#complaint-description', 'An annual fee was charged although it was waived.');
    await page.fill('#complaint-outcome', 'Refund the fee.');
    await page.check('#complaint-consent');
    await page.setInputFiles('#complaint-attachments', { name: 'statement.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.click('button[type=submit].primary');
    await page.waitForURL(/\/track\/[\w-]{43}\/sent$/);
    expect(await page.getByTestId('reference').textContent()).toMatch(/^CMP-\d{4}-\d{6}$/);
    await context.close();
  });

  it('shows errors in English beside their fields', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${server.url}/complaint`);
    await waitForHydration(page);
    await page.fill('#complaint-amount', 'twelve');
    await page.click('button[type=submit].primary');
    const name = page.locator('#complaint-name');
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    const expectations: [string, string][] = [
      ['complaint-name', 'Please fill in this field.'],
      ['complaint-email', 'Give an email address or a mobile number (or both).'],
      ['complaint-product', 'Please choose one of the options.'],
      ['complaint-occurredOn', 'Please fill in this field.'],
      ['complaint-amount', 'Enter an amount such as 1500 or 1500.50.'],
      ['complaint-description', 'Please fill in this field.'],
      ['complaint-consent', 'Please agree to be contacted so that we can handle your complaint.'],
    ];
    for (const [id, text] of expectations) {
      const field = page.locator(`#${id}`);
      expect(await field.getAttribute('aria-invalid'), id).toBe('true');
      expect((await field.getAttribute('aria-describedby'))?.split(' '), id).toContain(`${id}-error`);
      expect(await page.locator(`#${id}-error`).textContent(), id).toBe(text);
    }
    // The browser never left the page: nothing was posted.
    expect(page.url()).toBe(`${server.url}/complaint`);
    // Fixing a field clears its error as the client types.
    await page.fill('#complaint-name', 'Sam');
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe(null);
    await context.close();
  });

  it('can be filled in and sent with the keyboard alone', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${server.url}/feedback`);
    await waitForHydration(page);
    await tabTo(page, '#feedback-feedbackType-suggestion, #feedback-feedbackType-compliment');
    await page.keyboard.press('ArrowDown'); // moves to and selects "compliment"
    await page.keyboard.press('Space');
    expect(await page.isChecked('#feedback-feedbackType-compliment')).toBe(true);
    await tabTo(page, '#feedback-text');
    await page.keyboard.type('The branch staff explained everything clearly.');
    await tabTo(page, '#feedback-email');
    await page.keyboard.type('kb@example.com');
    await tabTo(page, 'button[type=submit].primary');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/track\/[\w-]{43}\/sent$/);
    expect(await page.getByTestId('reference').textContent()).toMatch(/^FBK-\d{4}-\d{6}$/);
    await context.close();
  });
});

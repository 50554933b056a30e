import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless, for the page tests: never a downloaded browser, and nothing in the background that
 * would reach the network (the tests check that pages make no request off the machine).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

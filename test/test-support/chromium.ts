/**
 * Launches Debian's Chromium through playwright-core (its own browser download cannot work offline).
 * playwright's launch() gives every browser a fresh, empty profile. Tests that need a browser skip with a clear message when /usr/bin/chromium is missing.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} not found: install Debian's chromium (scripts/ensure-chromium.sh)`;

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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

export const artifactsDir = new URL('../../test-artifacts/', import.meta.url).pathname;

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../../..');
/** Every run's screenshots (git-ignored). */
export const ARTIFACTS_DIR = path.join(ROOT, 'test-artifacts');
/** The copies the README shows, refreshed when TRAILGATE_UPDATE_SCREENSHOTS=1. */
export const DOCS_SCREENSHOTS_DIR = path.join(ROOT, 'docs', 'screenshots');

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.TRAILGATE_UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(DOCS_SCREENSHOTS_DIR, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS_SCREENSHOTS_DIR, `${name}.png`));
  }
  return file;
}

import type { Page } from '@playwright/test';

/**
 * Collects what the page complains about: uncaught errors, and console errors and warnings
 * (a CSP violation, or a bridge message that does not match the contract, shows up here).
 */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  return problems;
}

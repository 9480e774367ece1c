import type { Locator, Page } from '@playwright/test';

/** The chat view's stable handles: accessible names first, test ids where none fits. */
export function chatPage(page: Page) {
  const messages = page.getByTestId('message');
  return {
    composer: page.getByRole('textbox', { name: 'Message' }),
    sendButton: page.getByRole('button', { name: 'Send', exact: true }),
    newChat: page.getByRole('button', { name: 'New chat' }),
    /** The conversations' own buttons (each row also has Rename and Delete). */
    conversations: page
      .getByRole('navigation', { name: 'Conversations' })
      .getByTestId('conversation'),
    connection: page.getByTestId('connection'),
    title: page.getByRole('heading', { level: 1 }),
    messages,
    message: (prompt: string): Locator =>
      messages.filter({ has: page.getByTestId('prompt').getByText(prompt, { exact: true }) }),
    /** Types and presses Enter, as a user does. */
    async send(text: string): Promise<void> {
      await this.composer.fill(text);
      await this.composer.press('Enter');
    },
  };
}

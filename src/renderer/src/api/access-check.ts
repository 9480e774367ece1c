/**
 * Why the headless bridge will not open, asked of the server itself (a browser sees no status
 * for a refused WebSocket): no token in the page, a wrong one, a page origin the server does
 * not know (a tunnel or proxy), or no server at all.
 */
export type AccessProblem = 'missing' | 'wrong' | 'origin' | 'down';

export async function accessProblem(
  token: string | null,
  fetchImpl: typeof fetch = fetch,
): Promise<AccessProblem> {
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  try {
    const res = await fetchImpl(`/token-check${query}`, { cache: 'no-store' });
    if (res.status === 204) return 'origin';
    if (res.status !== 401) return 'down';
    const body = (await res.json()) as { token?: unknown };
    return body.token === 'missing' ? 'missing' : 'wrong';
  } catch {
    return 'down';
  }
}

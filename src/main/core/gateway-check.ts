import type { GatewayCheck } from '../../shared/gateway-check.ts';

/** What "Test connection" needs; the token stays in this process and in the request header. */
export interface CheckTarget {
  url: string;
  token: string;
  agentId: string;
}

export interface CheckOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** System codes of a gateway that does not answer, in the words the UI shows. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection closed',
};

/** fetch wraps the system error: its code is on `cause` (or deeper, for several addresses). */
function reasonOf(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer within 5 s';
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, errors, cause } = e as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string') return REASONS[code] ?? code;
    e = Array.isArray(errors) && errors.length > 0 ? errors[0] : cause;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * `openclaw/main`, `openclaw:research` → the agent ids. Plain `openclaw` is no agent's name,
 * and `openclaw/default` (listed by OpenClaw 2026.9.6 beside the real ids) is an alias of the
 * default agent, not one more agent to offer.
 */
export function agentsOf(body: unknown): string[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return [];
  const ids = data
    .map((m) => (m as { id?: unknown } | null)?.id)
    .filter((id): id is string => typeof id === 'string')
    .map((id) => /^openclaw[/:]([\w.-]{1,64})$/.exec(id)?.[1])
    .filter((id): id is string => id !== undefined && id !== 'default');
  return [...new Set(ids)];
}

async function json(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return null;
  }
}

/**
 * Posts an empty request to the chat endpoint: its status (OpenClaw answers 400 without starting
 * a run, 404 while the endpoint is off), or why nothing answered.
 */
async function probeEndpoint(
  doFetch: typeof fetch,
  base: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<{ status: number } | { error: string }> {
  try {
    const probe = await doFetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
      signal,
    });
    await probe.body?.cancel();
    return { status: probe.status };
  } catch (err) {
    return { error: reasonOf(err) };
  }
}

/**
 * Asks the gateway what is wrong, if anything, in the order a user fixes things: is anything
 * there, does it take the token, is its OpenAI-compatible endpoint on, does it know the agent.
 * The endpoint check posts a request without a model, which OpenClaw refuses (400) without
 * starting a run, and answers 404 for while the endpoint is off.
 */
export async function checkGateway(
  target: CheckTarget,
  options: CheckOptions = {},
): Promise<GatewayCheck> {
  const doFetch = options.fetch ?? fetch;
  const base = target.url.replace(/\/+$/, '').replace(/\/v1$/, '');
  const result = (patch: Partial<GatewayCheck>): GatewayCheck => ({
    ok: false,
    problem: null,
    url: base,
    agentId: target.agentId,
    status: null,
    reason: null,
    agents: [],
    ...patch,
  });
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  const timeout = (): AbortSignal => AbortSignal.timeout(options.timeoutMs ?? 5_000);

  let models: Response;
  try {
    models = await doFetch(`${base}/v1/models`, { headers, signal: timeout() });
  } catch (err) {
    return result({ problem: 'unreachable', reason: reasonOf(err) });
  }
  const status = models.status;
  if (status === 401 || status === 403) return result({ problem: 'unauthorized', status });
  if (status === 404) return result({ problem: 'endpoint_disabled', status });
  if (!models.ok) return result({ problem: 'unexpected', status });
  const agents = agentsOf(await json(models));

  const probe = await probeEndpoint(doFetch, base, headers, timeout());
  if ('error' in probe) return result({ problem: 'unreachable', reason: probe.error, agents });
  if (probe.status === 404) return result({ problem: 'endpoint_disabled', status: 404, agents });
  if (probe.status === 401 || probe.status === 403) {
    return result({ problem: 'unauthorized', status: probe.status, agents });
  }
  if (agents.length > 0 && !agents.includes(target.agentId)) {
    return result({ problem: 'unknown_agent', status, agents });
  }
  return result({ ok: true, status, agents });
}

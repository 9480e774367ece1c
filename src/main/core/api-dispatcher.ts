import type { ApiMethod, ApiOutcome, ApiParams, ApiResult } from '../../shared/ipc-contract.ts';
import { apiContract } from '../../shared/ipc-contract.ts';

export type ApiHandlers = {
  [M in ApiMethod]: (params: ApiParams<M>) => ApiResult<M> | Promise<ApiResult<M>>;
};

/** `invalid_params`: the params parse, but name something they may not (another's task). */
type RefusalCode = 'invalid_params' | 'not_found' | 'refused' | 'storage_unavailable';

/** A refusal a handler raises on purpose; its message is shown to the user as is. */
export class ApiRefusal extends Error {
  readonly code: RefusalCode;
  constructor(code: RefusalCode, message: string) {
    super(message);
    this.name = 'ApiRefusal';
    this.code = code;
  }
}

function isApiMethod(method: string): method is ApiMethod {
  return Object.hasOwn(apiContract, method);
}

/**
 * The one entry for commands from any face (Electron IPC, the headless bridge): the method
 * must be in the contract and its params must parse, or the caller gets a named error and
 * nothing runs. It never throws.
 */
export async function dispatch(
  handlers: ApiHandlers,
  method: string,
  params: unknown,
  log: (line: string) => void,
): Promise<ApiOutcome<ApiMethod>> {
  if (!isApiMethod(method)) {
    return { ok: false, error: { code: 'unknown_method', message: `unknown method "${method}"` } };
  }
  const parsed = apiContract[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : 'params'}: ${i.message}`)
      .join('; ');
    return { ok: false, error: { code: 'invalid_params', message: `${method}: ${detail}` } };
  }
  try {
    const handler = handlers[method] as (p: unknown) => unknown;
    const result = (await handler(parsed.data)) as ApiResult<ApiMethod>;
    return { ok: true, result };
  } catch (err) {
    if (err instanceof ApiRefusal)
      return { ok: false, error: { code: err.code, message: err.message } };
    log(`${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: { code: 'internal', message: `${method} failed: ${message}` } };
  }
}

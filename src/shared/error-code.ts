/**
 * The system or undici code of a failure. Connection errors come bare (`ECONNREFUSED`), wrapped
 * (`cause`), or as an AggregateError when happy-eyeballs tried several addresses.
 */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, errors, cause } = e as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    e = Array.isArray(errors) && errors.length > 0 ? errors[0] : cause;
  }
  return undefined;
}

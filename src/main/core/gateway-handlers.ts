import type { ApiParams, ApiResult } from '../../shared/ipc-contract.ts';
import { checkGateway, type CheckOptions } from './gateway-check.ts';
import type { CoreSettings } from './settings.ts';

/** "Test connection": what the form holds, else the saved settings and the stored token. */
export function gatewayHandlers(settings: CoreSettings, options: CheckOptions = {}) {
  return {
    'gateway.check': (params: ApiParams<'gateway.check'>): Promise<ApiResult<'gateway.check'>> =>
      checkGateway(
        {
          url: params.gatewayUrl ?? settings.gateway.url,
          token: params.token || settings.gateway.token,
          agentId: params.agentId ?? settings.gateway.agentId,
        },
        options,
      ),
  };
}

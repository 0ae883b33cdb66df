import { apiHandler } from '../../shared/http/api-handler.ts';
import { routes } from '../../shared/http/routes.ts';

export const handler = apiHandler(routes.getHealth, async () => ({ body: { status: 'ok' as const } }));

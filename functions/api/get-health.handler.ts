import { publicHandler } from '../../shared/http/http-handler.ts';
import * as routes from '../../shared/http/routes.ts';

export const handler = publicHandler(routes.getHealth, async () => ({ body: { status: 'ok' as const } }));

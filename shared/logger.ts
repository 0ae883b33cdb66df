import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger for every handler; the middy stack adds the request id to each line. */
export const logger = new Logger({ serviceName: 'renfort' });

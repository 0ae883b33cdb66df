import { notifyDeps } from './notify-deps.ts';
import { streamHandlerOf } from './stream.ts';

/** The mail dispatcher, fed by the table's stream (DESIGN.md §7). */
export const handler = streamHandlerOf(notifyDeps);

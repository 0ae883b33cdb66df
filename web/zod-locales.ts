/**
 * The console's stand-in for zod's language files: the API's messages are in English and the
 * console shows its own French ones, so only the default locale is bundled (264 KB less).
 */
export { default as en } from '../node_modules/zod/v4/locales/en.js';

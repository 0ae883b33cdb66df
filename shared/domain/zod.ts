import * as mini from 'zod/mini';
import {
  _coercedNumber,
  _isoDate,
  _isoDateTime,
  $constructor,
  type $ZodISODateParams,
  type $ZodISODateTimeParams,
  type $ZodLooseShape,
  type $ZodNumberParams,
  $ZodObjectJIT,
  type $ZodObjectParams,
  type util,
} from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

/**
 * The one zod every schema imports, as `import * as z from '…/domain/zod.ts'`: `zod/mini`, whose
 * functions a bundler keeps only when used (zod's classic API weighs ~444 KB in each function,
 * 264 KB of it its language files), with the English messages installed once. Classic installs
 * them itself, mini does not: importing zod from here, never from 'zod' or 'zod/mini', is what
 * keeps the API's messages in English.
 *
 * A star re-export, imported as a namespace: esbuild then keeps only the functions used. A
 * namespace re-exported as a value (`export * as z`, `export { z }`) would keep all of zod/mini,
 * its 60 language files included.
 */
mini.config(en());

/*
 * A schema declared at a module's top level whose chain ends in `.register(…)` (or another call
 * with plain arguments) is built by a call annotated `@__PURE__`. Without it a bundler must keep
 * the call, with the schema and all it names, in every function that imports the module, whether
 * it parses with it or not (the mail functions parse no request; most functions send few of the
 * answers). Building a schema has no effect but its entry in the registry, which only the OpenAPI
 * document reads: annotated, it is left out wherever nothing uses it. esbuild drops such a call
 * with everything before it in the chain, but keeps it whole when its own arguments call
 * anything (`.check(z.regex(…))`): there the annotation would do nothing, so there is none.
 */

export * from 'zod/mini';

/**
 * Objects parsed as classic zod parses them, by a parser compiled once per shape ($ZodObjectJIT).
 * Mini's interpreted parser gathers a property's issues with `push(...issues)`: 130,000 invalid
 * items in one list (a 260 KB body) overflow the stack, a 500 where classic answers 400. The
 * definition is mini's own, the type is `ZodMiniObject`; these three shadow mini's in `export *`.
 */
const ZodMiniType: mini.core.$constructor<mini.ZodMiniType> = mini.ZodMiniType;
const ZodMiniObjectJIT: mini.core.$constructor<mini.ZodMiniObject> = /*@__PURE__*/ $constructor(
  'ZodMiniObject',
  (inst: mini.ZodMiniObject, def: mini.ZodMiniObject['_zod']['def']) => {
    $ZodObjectJIT.init(inst, def);
    ZodMiniType.init(inst, def);
  },
  {
    get shape() {
      return (this as mini.ZodMiniObject)._zod.def.shape;
    },
  },
);

const compiled = <T extends mini.ZodMiniObject>(schema: T): T => new ZodMiniObjectJIT(schema._zod.def) as T;

/* @__NO_SIDE_EFFECTS__ */
export function object<T extends $ZodLooseShape = Record<never, mini.core.SomeType>>(
  shape?: T,
  params?: string | $ZodObjectParams,
): mini.ZodMiniObject<util.Writeable<T>, mini.core.$strip> {
  return compiled(mini.object(shape, params));
}

/* @__NO_SIDE_EFFECTS__ */
export function strictObject<T extends $ZodLooseShape>(
  shape: T,
  params?: string | $ZodObjectParams,
): mini.ZodMiniObject<util.Writeable<T>, mini.core.$strict> {
  return compiled(mini.strictObject(shape, params));
}

/* @__NO_SIDE_EFFECTS__ */
export function looseObject<T extends $ZodLooseShape>(
  shape: T,
  params?: string | $ZodObjectParams,
): mini.ZodMiniObject<util.Writeable<T>, mini.core.$loose> {
  return compiled(mini.looseObject(shape, params));
}

/*
 * Mini's `iso` and `coerce` are namespaces: reaching one of their functions through them keeps all
 * of them (every ISO format, every coercion, about 2 KB). The ones used, as functions of their own.
 */

/** `iso.date()`: a YYYY-MM-DD string, its format only (the schemas use `isoDate` of text.ts, which checks the day exists). */
/* @__NO_SIDE_EFFECTS__ */
export function isoDate(params?: string | $ZodISODateParams): mini.ZodMiniISODate {
  return _isoDate(mini.ZodMiniISODate, params);
}

/** `iso.datetime()`: an ISO 8601 instant. */
/* @__NO_SIDE_EFFECTS__ */
export function isoDatetime(params?: string | $ZodISODateTimeParams): mini.ZodMiniISODateTime {
  return _isoDateTime(mini.ZodMiniISODateTime, params);
}

/** `coerce.number()`: a number, or a string read as one (a query parameter). */
/* @__NO_SIDE_EFFECTS__ */
export function coercedNumber(params?: string | $ZodNumberParams): mini.ZodMiniNumber<unknown> {
  return _coercedNumber(mini.ZodMiniNumber, params) as mini.ZodMiniNumber<unknown>;
}

/** Not this: `import { z }` would be zod/mini's own namespace, all of it, with mini's objects. */
export declare const z: never;
/** Not these: `isoDate`, `isoDatetime` and `coercedNumber` above. */
export declare const iso: never;
export declare const coerce: never;

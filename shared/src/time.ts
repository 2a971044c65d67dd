/**
 * Timestamps carry their unit in the type, so a microsecond value can never be passed where
 * milliseconds are expected without an explicit conversion.
 */
declare const microBrand: unique symbol;
declare const milliBrand: unique symbol;

export type Micro = number & { readonly [microBrand]: true };
export type Milli = number & { readonly [milliBrand]: true };

export const micro = (value: number): Micro => value as Micro;
export const milli = (value: number): Milli => value as Milli;
export const microToMilli = (value: Micro): Milli => (value / 1000) as Milli;
export const milliToMicro = (value: Milli): Micro => Math.round(value * 1000) as Micro;

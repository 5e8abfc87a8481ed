/** Injection token of the Clock the services use (systemClock outside tests). */
export const CLOCK = Symbol('CLOCK');

/** Injection token of the Random the services draw from (Math.random outside tests). */
export const RANDOM = Symbol('RANDOM');

/**
 * What the start banner and the README say next to a store that lives in process memory. One place,
 * so the wording changes once when the durable default store replaces the in-memory one.
 */
export const LOST_ON_RESTART = 'in memory: lost on restart';

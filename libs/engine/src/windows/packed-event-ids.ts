/**
 * Event ids kept by a window, as numbers in a flat array instead of one string each.
 *
 * Why: a key's window holds the ids of its newest events (up to 100) for the incident it may
 * open, and 100,000 keys held about half a million id strings. Every one is an object the
 * garbage collector marks on each major GC, which stalled evaluation for up to a second
 * under load. A canonical UUID (lower-case, what the service's decoder produces) packs into
 * three integers of at most 48 bits (the contracts' uuid-parts.ts, whose parse the decoder's id
 * check shares), stored in a double array the collector never scans. Any other id (tests,
 * embedders) keeps its string in a side list that only such ids create.
 *
 * Imported from its own file, not the contracts' index, here and in recent-events.ts: the
 * index re-exports everything through getters on one object with many properties, which V8
 * keeps as a dictionary, so each use per event was a lookup (fresh engine: 5,738 instructions an
 * event against 4,298; docs/benchmarks.md).
 */
import { UUID_PARTS } from '@app/contracts/uuid-parts';

/** Numbers per id. */
export const ID_STRIDE = UUID_PARTS;

/** Marks an id kept as a string in the side list (packed parts are never negative). */
export const STRING_ID = -1;

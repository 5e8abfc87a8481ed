/**
 * Event ids kept by a window, as numbers in a flat array instead of one string each.
 *
 * Why: a key's window holds the ids of its newest events (up to 100) for the incident it may
 * open, and 100,000 keys held about half a million id strings. Every one is an object the
 * garbage collector marks on each major GC, which stalled evaluation for up to a second
 * under load. A canonical UUID (lower-case, what the service's decoder produces) packs into
 * four 32-bit words (the contracts' uuid-parts.ts, whose parse the decoder's id check shares),
 * written through a Uint32Array over the window's block, which the collector never scans: 16
 * bytes an id, two of the block's numbers. Any other id (tests, embedders) keeps its string in
 * a side list that only such ids create; a slot holding a string there is not read as words.
 *
 * Imported from its own file, not the contracts' index, here and in recent-events.ts: the
 * index re-exports everything through getters on one object with many properties, which V8
 * keeps as a dictionary, so each use per event was a lookup (fresh engine: 5,738 instructions an
 * event against 4,298; docs/benchmarks.md).
 */
import { UUID_WORDS } from '@app/contracts/uuid-parts';

/** A block's numbers (8 bytes each) per id. */
export const ID_STRIDE = UUID_WORDS / 2;

/** 32-bit words per number of a block: a number at index i is words 2i and 2i + 1. */
export const WORDS_PER_NUMBER = 2;

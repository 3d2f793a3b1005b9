/**
 * How many of uv's lines the operation screen keeps: more than any terminal shows under the plan,
 * and enough to page back through (`l`) the part of a long run that says what went wrong. Older
 * lines are counted, not kept.
 */
export const KEPT_LINES = 500;

/**
 * The last lines of a stream, as a pure value whose appends cost O(1) amortised: the lines live
 * in a backing array shared by the successive values, each value owning `backing[start, end)`.
 * Only the value whose `end` is the backing's length appends in place (no other value reads past
 * its own `end`); appending to an older value copies its lines first. When the kept lines have
 * moved `keep` past the backing's start, they are copied into a fresh backing (once per `keep`
 * appends).
 */
export type LineTail = {
	readonly backing: string[];
	readonly start: number;
	readonly end: number;
	/** Lines dropped from the front, older than the last `keep`. */
	readonly dropped: number;
};

export function emptyTail(): LineTail {
	return { backing: [], start: 0, end: 0, dropped: 0 };
}

/** `tail` with `line` appended, keeping the last `keep` lines. */
export function appendLine(tail: LineTail, line: string, keep = KEPT_LINES): LineTail {
	let { backing, start } = tail;
	if (tail.end !== backing.length) {
		// a newer value appended to this backing already: this one branches off with its own copy
		backing = backing.slice(start, tail.end);
		start = 0;
	}
	backing.push(line);
	let dropped = tail.dropped;
	if (backing.length - start > keep) {
		dropped += backing.length - start - keep;
		start = backing.length - keep;
	}
	if (start >= keep) {
		backing = backing.slice(start);
		start = 0;
	}
	return { backing, start, end: backing.length, dropped };
}

/** The lines `tail` keeps, oldest first. */
export function tailLines(tail: LineTail): readonly string[] {
	return tail.backing.slice(tail.start, tail.end);
}

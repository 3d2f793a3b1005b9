import type { Problem } from "../base/errors.js";
import type { Plan } from "./plan.js";
import type { UvEvent } from "../uv/events.js";

export type { UvEvent };

/** What a long operation (check, sync, install) reports while it runs; UI and plain reporter consume it. */
export type HpmEvent =
	| { readonly type: "phase"; readonly phase: Phase; readonly message: string }
	| { readonly type: "plan"; readonly plan: Plan }
	| { readonly type: "problem"; readonly problem: Problem }
	/** A problem that does not block this operation (a registry file the selection does not use). */
	| { readonly type: "warning"; readonly problem: Problem }
	| UvEvent
	| { readonly type: "restored"; readonly files: readonly string[]; readonly message: string };

export type Phase = "resolve" | "remove" | "add" | "sync" | "record" | "restore" | "check";

/** Runs a stream to its end, handing each event to `onEvent`; resolves with the stream's result. */
export async function drain<E, T>(events: AsyncGenerator<E, T>, onEvent: (event: E) => void): Promise<T> {
	for (;;) {
		const next = await events.next();
		if (next.done) return next.value;
		onEvent(next.value);
	}
}

/** Passes a stream through unchanged, letting `onEvent` see each event first. */
export async function* tap<E, T>(events: AsyncGenerator<E, T>, onEvent: (event: E) => void): AsyncGenerator<E, T> {
	let finished = false;
	try {
		for (;;) {
			const next = await events.next();
			if (next.done) {
				finished = true;
				return next.value;
			}
			onEvent(next.value);
			yield next.value;
		}
	} finally {
		// ended early (onEvent threw, or the consumer stopped): let the inner stream clean up
		// (a running uv is stopped by its own `finally`)
		if (!finished) await events.return(undefined as T);
	}
}

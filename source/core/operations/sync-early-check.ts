import { drain } from "../plan/events.js";
import { findUv, runUv, type Uv, type UvRun } from "../uv/driver.js";

export type EarlyCheck = {
	/** uv's answer; undefined when it could not be asked. */
	readonly result: Promise<UvRun | undefined>;
	/** Stops uv (when it still runs) and waits until it and everything it started are gone. */
	stop(): Promise<void>;
};

/**
 * `uv sync --locked --check`, started before hpm reads the registry and plans: a project that
 * already matches its selection (the common case) needs nothing else, and uv's check only reads,
 * so it runs on another core while hpm works. Its answer is used only when the plan changes
 * nothing and needs no credentials uv would not have; otherwise it is stopped before anything is
 * written. Resolves once uv is started.
 */
export async function startEarlyCheck(root: string, signal: AbortSignal | undefined): Promise<EarlyCheck | undefined> {
	let uv: Uv;
	try {
		uv = await findUv();
	} catch {
		return undefined; // the plan's own probe reports it
	}
	const controller = new AbortController();
	const abort = () => controller.abort();
	if (signal?.aborted) return undefined;
	signal?.addEventListener("abort", abort, { once: true });
	let started = () => {};
	const spawned = new Promise<void>((resolve) => {
		started = resolve;
	});
	const events = runUv(uv, ["sync", "--locked", "--check"], { cwd: root, signal: controller.signal, readOnly: true });
	const result = drain(events, (event) => {
		if (event.type === "uv-start") started();
	})
		.catch(() => undefined)
		.finally(() => {
			started();
			signal?.removeEventListener("abort", abort);
		});
	await spawned;
	return {
		result,
		stop: async () => {
			controller.abort();
			await result;
		},
	};
}

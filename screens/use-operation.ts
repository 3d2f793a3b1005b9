import { useCallback, useEffect, useRef, useState } from "react";
import type { CommonFlags } from "../source/core/context.js";
import { resolveContext, requireProject } from "../source/core/context.js";
import type { Problem } from "../source/core/errors.js";
import type { HpmEvent } from "../source/core/events.js";
import { type CheckResult, check } from "../source/core/operations/check.js";
import { prepare } from "../source/core/operations/prepare.js";
import { loadRegistry } from "../source/core/registry/load.js";
import { type SyncResult, sync } from "../source/core/operations/sync.js";
import type { Plan } from "../source/core/plan.js";
import { lockProject } from "../source/core/project/lock.js";
import { errorText } from "./view.js";

export type OperationState =
	| { readonly phase: "confirm"; readonly plan: Plan; readonly problems: readonly Problem[] }
	| {
			readonly phase: "running";
			readonly plan: Plan;
			readonly since: number;
			readonly lines: readonly string[];
			readonly status: string;
	  }
	| {
			readonly phase: "done";
			readonly plan: Plan;
			readonly lines: readonly string[];
			readonly ok: boolean;
			readonly summary: string;
			readonly problems: readonly Problem[];
	  }
	| { readonly phase: "failed"; readonly message: string };

/**
 * Runs check or sync through the core and turns its event stream into screen state. uv's lines
 * are buffered and flushed at most ten times a second; `cancel` aborts uv, and the core restores
 * the files.
 */
export function useOperation(kind: "check" | "sync", flags: CommonFlags, cwd: string) {
	const [state, setState] = useState<OperationState>(() => {
		try {
			const context = resolveContext(flags, cwd);
			const { plan, problems } = prepare(context, undefined, loadRegistry(context.registryRoot));
			return { phase: "confirm", plan, problems };
		} catch (error) {
			return { phase: "failed", message: errorText(error) };
		}
	});
	const controller = useRef<AbortController | undefined>(undefined);
	const lines = useRef<string[]>([]);
	const status = useRef("starting");

	useEffect(() => () => controller.current?.abort(), []);

	const start = useCallback(() => {
		if (state.phase !== "confirm") return;
		const plan = state.plan;
		const abort = new AbortController();
		controller.current = abort;
		const since = Date.now();
		setState({ phase: "running", plan, since, lines: [], status: "starting" });
		const flush = setInterval(
			() => setState((s) => (s.phase === "running" ? { ...s, lines: [...lines.current], status: status.current } : s)),
			100,
		);
		void (async () => {
			const context = resolveContext(flags, cwd);
			const lock = kind === "sync" ? await lockProject(requireProject(context).root, "ui sync") : undefined;
			try {
				const events: AsyncGenerator<HpmEvent, CheckResult | SyncResult> =
					kind === "check" ? check(context, { signal: abort.signal }) : sync(context, { signal: abort.signal });
				const result = await consume(events, (event) => {
					if (event.type === "uv-line") lines.current.push(event.line);
					else if (event.type === "phase") status.current = event.message;
					else if (event.type === "restored") lines.current.push("restored pyproject.toml and uv.lock");
				});
				const ok = "ok" in result ? result.ok : true;
				const summary =
					"ok" in result
						? result.ok
							? `ok: the selection resolves (${result.resolved ?? "?"} packages); nothing was changed`
							: `check failed: ${result.problems.map((p) => p.message).join("; ")}`
						: result.changed
							? "synced: pyproject.toml, uv.lock and .venv match the selection"
							: "nothing to do: the project already matches the selection";
				setState({
					phase: "done",
					plan,
					lines: [...lines.current],
					ok,
					summary,
					problems: "ok" in result ? result.problems : [],
				});
			} catch (error) {
				const summary = abort.signal.aborted
					? "cancelled: uv was stopped and pyproject.toml and uv.lock restored"
					: errorText(error);
				setState({ phase: "done", plan, lines: [...lines.current], ok: false, summary, problems: [] });
			} finally {
				clearInterval(flush);
				lock?.release();
			}
		})();
	}, [state, flags, cwd, kind]);

	const cancel = useCallback(() => controller.current?.abort(), []);
	return { state, start, cancel };
}

async function consume<T>(events: AsyncGenerator<HpmEvent, T>, onEvent: (event: HpmEvent) => void): Promise<T> {
	for (;;) {
		const next = await events.next();
		if (next.done) return next.value;
		onEvent(next.value);
	}
}

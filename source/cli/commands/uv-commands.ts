import type { Context } from "../../core/context.js";
import type { Output } from "../output.js";
import { report } from "../reporter.js";
import { operationSignal } from "../signals.js";
import { HpmError } from "../../core/errors.js";
import { check } from "../../core/operations/check.js";
import { sync } from "../../core/operations/sync.js";

/** Runs `operation` with Ctrl-C / SIGTERM wired to its AbortSignal; an interrupt wins over other errors. */
async function interruptible<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
	const interrupt = operationSignal();
	try {
		return await run(interrupt.signal);
	} catch (error) {
		const code = interrupt.exitCode();
		if (code !== undefined) {
			throw new HpmError("interrupted", error instanceof HpmError ? error.message : "interrupted", { exitCode: code });
		}
		throw error;
	} finally {
		interrupt.dispose();
	}
}

export async function runCheck(context: Context, output: Output, mode: string | undefined): Promise<number> {
	const result = await interruptible((signal) =>
		report(check(context, { mode, signal }), output, context.project?.root ?? context.cwd),
	);
	if (output.json) {
		output.data({
			ok: result.ok,
			problems: result.problems.map((p) => ({
				code: p.code,
				message: p.message,
				...(p.location ? { file: p.location.file } : {}),
				...(p.location?.line === undefined ? {} : { line: p.location.line }),
				...(p.detail ? { detail: p.detail } : {}),
			})),
			resolved: result.resolved,
		});
	} else if (result.ok) {
		output.out(`ok: the selection resolves (${result.resolved ?? "?"} packages); nothing was changed`);
	} else {
		output.out(
			`check failed: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}; nothing was changed`,
		);
	}
	return result.ok ? 0 : 1;
}

export async function runSync(
	context: Context,
	output: Output,
	mode: string | undefined,
	dryRun: boolean,
): Promise<number> {
	const result = await interruptible((signal) =>
		report(sync(context, { mode, dryRun, signal }), output, context.project?.root ?? context.cwd),
	);
	const { plan } = result;
	if (output.json) {
		output.data({
			plan: {
				add: plan.add.map((e) => e.name),
				remove: plan.remove.map((e) => e.name),
				switch: plan.switch.map((e) => e.name),
				unchanged: plan.unchanged.map((e) => e.name),
			},
			changed: result.changed,
			dryRun: result.dryRun,
			mode: plan.mode,
		});
	} else if (result.dryRun) {
		output.out("dry run: nothing was changed");
	} else {
		output.out(
			result.changed
				? "synced: pyproject.toml, uv.lock and .venv match the selection"
				: "nothing to do: the project already matches the selection",
		);
	}
	return 0;
}

export async function runInstall(
	context: Context,
	output: Output,
	manifest: string | undefined,
	mode: string | undefined,
): Promise<number> {
	if (manifest === undefined)
		throw new HpmError("usage", "hpm install needs --manifest FILE", {
			hint: "hpm install --manifest registry/packages/NAME.yaml [--mode dev]",
		});
	const { install } = await import("../../core/operations/install.js");
	const result = await interruptible((signal) =>
		report(install(context, { manifest, mode, signal }), output, context.project?.root ?? context.cwd),
	);
	if (output.json) output.data({ installed: result.name, mode: result.mode, requirement: result.requirement });
	else output.out(`installed ${result.name} (${result.mode}): ${result.requirement}`);
	return 0;
}

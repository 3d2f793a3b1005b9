import { type Locator, requireRoot } from "../plan/context.js";
import { openSelection } from "../plan/open-selection.js";
import { HpmError } from "../base/errors.js";
import { closest, MODE_PATTERN } from "../base/names.js";
import { type LockHooks, underProjectLock } from "../project/lock.js";
import { writeProjectEdits } from "../project/write.js";
import type { Registry } from "../registry/model.js";
import type { Selection } from "../plan/selection.js";
import type { ProjectChange } from "./choose.js";
import { type ModeGap, modeGaps, offeredModes } from "./prepare.js";

export type ModeState = {
	/** The project's mode: `[tool.hpm] mode`, else prod. */
	readonly mode: string;
	/** The modes every selected package offers (a source for each): those `hpm mode M` accepts. */
	readonly offered: readonly string[];
	/** Modes only some selected packages offer, with the choices that have no source for each. */
	readonly partial: readonly { readonly mode: string; readonly missing: readonly ModeGap[] }[];
	readonly changed: boolean;
	readonly message: string;
	/** pyproject.toml before and after, when it was written (`undoChange` reverses it). */
	readonly undo?: ProjectChange;
};

/** The project's mode and the modes its selection offers. */
export async function readMode(locator: Locator, cwd: string): Promise<ModeState> {
	const { project, registry, selection } = await openSelection({ locator, cwd });
	return {
		mode: project.mode,
		...modesOf(registry, selection),
		changed: false,
		message: `mode ${project.mode}`,
	};
}

/** Which modes the whole selection can be synced in, and which only some of its packages offer. */
function modesOf(registry: Registry, selection: Selection): Pick<ModeState, "offered" | "partial"> {
	const offered: string[] = [];
	const partial: { mode: string; missing: ModeGap[] }[] = [];
	for (const mode of offeredModes(registry, selection)) {
		const missing = modeGaps(registry, selection, mode);
		if (missing.length === 0) offered.push(mode);
		else partial.push({ mode, missing });
	}
	return { offered, partial };
}

/**
 * Records `[tool.hpm] mode` (format-preserving, under the project lock). A mode that some selected
 * package has no source for is refused (exit 2, nothing written), naming each and the fix: sync
 * could not apply it. `hpm sync` then applies it.
 */
export async function setMode(locator: Locator, cwd: string, mode: string, hooks: LockHooks = {}): Promise<ModeState> {
	if (!MODE_PATTERN.test(mode))
		throw new HpmError("invalid-argument", `a mode is a lower-case name such as prod or dev, got "${mode}"`);
	return underProjectLock(requireRoot(locator, cwd), "mode", hooks, async () => {
		const { project, registry, selection } = await openSelection({ locator, cwd });
		const any = offeredModes(registry, selection);
		const { offered, partial } = modesOf(registry, selection);
		if (any.length > 0 && !any.includes(mode)) {
			const guess = closest(mode, any);
			throw new HpmError("unknown-mode", `mode "${mode}" is not a mode of the selected packages; nothing was written`, {
				hint: `${guess ? `did you mean "${guess}"? ` : ""}${partial.length === 0 ? `they offer: ${any.join(", ")}` : `every selected package offers: ${offered.join(", ") || "none"}; only some offer: ${partial.map((p) => p.mode).join(", ")}`}`,
			});
		}
		const missing = partial.find((p) => p.mode === mode)?.missing ?? [];
		if (missing.length > 0) throw modeUnavailable(mode, missing, offered);
		const changed = project.mode !== mode || !/^\s*mode\s*=/m.test(project.text);
		const { text: after, written } = changed
			? await writeProjectEdits(project, [{ path: ["tool", "hpm", "mode"], value: mode }], {
					command: "mode",
					summary: `mode: ${project.mode} -> ${mode}`,
				})
			: { text: project.text, written: undefined };
		const summary = `mode: ${project.mode} -> ${mode}`;
		const message =
			project.mode === mode ? `mode ${mode} (unchanged)` : `mode: switched from ${project.mode} to ${mode}`;
		return {
			mode,
			offered,
			partial,
			changed: project.mode !== mode,
			message,
			...(written === undefined ? {} : { undo: { before: project.text, after, written, summary } }),
		};
	});
}

/** `hpm mode dev` when some selected package has no dev source: each one, and the two ways out. */
function modeUnavailable(mode: string, missing: readonly ModeGap[], offered: readonly string[]): HpmError {
	const choices = missing.map((gap) => `${gap.group}=${gap.name} (it has: ${gap.has.join(", ")})`);
	const first = missing[0];
	const fixes = first
		? `give it a ${mode} source (\`hpm registry add --name ${first.name} --mode ${mode} --path DIR\`, or --url / --requirement), or drop it (\`hpm group remove ${first.group} --option ${first.name}\`)`
		: "";
	const also = offered.length > 0 ? `; every selected package offers: ${offered.join(", ")}` : "";
	return new HpmError(
		"no-source-for-mode",
		`mode "${mode}" cannot be used: ${missing.length === 1 ? "a selected package has" : `${missing.length} selected packages have`} no ${mode} source: ${choices.join(", ")}; nothing was written`,
		{ hint: `${fixes}${also}` },
	);
}

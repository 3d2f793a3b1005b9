import { existsSync } from "node:fs";
import path from "node:path";
import { DEFAULT_MODE, normalizeName } from "../base/names.js";
import { JOURNAL_FILE } from "../project/journal-file.js";
import { type Context, type Locator, registryLabel } from "./context.js";
import { openSelection } from "./open-selection.js";
import { type Problem, problemGroups, problemToError } from "../base/errors.js";
import { constraintProblems, type Forbidden, forbiddenChoices } from "../registry/constraints.js";
import { type MachineGroupChoice, machineGroupChoices, machineOptionInstalled } from "./machine-overview.js";
import { makePlan } from "./plan.js";
import { describeMachine } from "./auto-choice.js";
import { probeMachine } from "../os/machine-probe.js";
import { stateOfProject } from "./state.js";
import { installedPackages, lockedPackages } from "../project/dependencies.js";
import type { Registry } from "../registry/model.js";
import type { Strategy } from "../registry/schema.js";
import type { Selection } from "./selection.js";

/** The registry's groups with the project's selection: what `hpm list --json` prints (SPEC §6). */
export type Overview = {
	registry: string;
	project: string | null;
	mode: string;
	groups: {
		name: string;
		strategy: Strategy;
		description: string;
		options: { name: string; version: string; selected: boolean }[];
		selected: string[];
		synced: boolean;
		/** A per-machine group the project uses: this machine's option (selected above), kept outside git. */
		machine?: { option: string | null; from: MachineGroupChoice["from"]; why?: string };
	}[];
	ungrouped: { name: string; version: string }[];
	/** What the machine's probe found (`CUDA 12.8 (nvidia-smi, driver …)`), when asked for and the project has per-machine groups. */
	hardware?: string;
};

/** Everything a listing shows, read fresh: the context, the registry and the overview. */
export type LoadedOverview = {
	readonly context: Context;
	readonly registry: Registry;
	readonly overview: Overview;
	/** Problems of registry files that did not load (they are left out of the overview). */
	readonly problems: readonly Problem[];
	/** What the registry's rules say about the choice as it stands. */
	readonly rules: RuleMarks;
};

/** What the registry's rules (requires, conflicts, required, min, max) say about a choice: the browser's marks. */
export type RuleMarks = {
	/** Per group and option (registry keys): the rules choosing it would break with the rest of the choice. */
	readonly forbidden: ReadonlyMap<string, ReadonlyMap<string, readonly Forbidden[]>>;
	/** The groups (as the registry names them) that a rule the choice breaks is about. */
	readonly broken: readonly string[];
};

/** What a check or sync that failed was about, as data: its problems, the choices and groups its error names. */
export type RunFailure = {
	readonly problems: readonly Problem[];
	readonly choices: readonly string[];
	readonly groups?: readonly string[];
};

/**
 * Reads the project and the registry (through the index cache) and describes both. A selection
 * that names an unknown group or option is an error pointing at its line in pyproject.toml.
 */
export async function loadOverview(
	locator: Locator,
	cwd: string,
	options: { readonly probe?: boolean } = {},
): Promise<LoadedOverview> {
	const opened = await openSelection({ locator, cwd }, { project: "optional" });
	const { context, registry, registryProblems, commits, selection } = opened;
	const first = opened.selectionProblems[0];
	if (first) {
		const inRegistry = registry.roots.some((root) => first.location?.file.startsWith(`${root}${path.sep}`) === true);
		throw problemToError(
			first,
			inRegistry
				? "fix the registry file (`hpm registry lint` lists every problem)"
				: "fix [tool.hpm.groups] in pyproject.toml, or run `hpm group remove GROUP`",
		);
	}
	const label = registryLabel(context, commits);
	// the rules' marks cost ~25 ms for 2,000 options: worked out when first read (the UI reads
	// them, `hpm list` does not), once
	let rules: RuleMarks | undefined;
	const described = overview(context, registry, selection, label);
	// the UI shows what this machine has beside its choice: probed only where a machine group is used
	if (options.probe && described.groups.some((group) => group.machine))
		described.hardware = describeMachine(await probeMachine({ env: process.env }));
	return {
		context,
		registry,
		overview: described,
		problems: registryProblems,
		get rules() {
			rules ??= ruleMarks(registry, selection);
			return rules;
		},
	};
}

/** The options the rules forbid with the rest of `selection`, and the groups of the rules it breaks. */
function ruleMarks(registry: Registry, selection: Selection): RuleMarks {
	const broken = constraintProblems(registry, selection).flatMap(problemGroups);
	return { forbidden: forbiddenChoices(registry, selection), broken: [...new Set(broken)] };
}

/** The groups of `overview` that a failed run's problems and error are about (from their data, never their words). */
export function implicatedGroups(overview: Overview, failure: RunFailure): string[] {
	const names = new Set(overview.groups.map((group) => group.name));
	const named = [...failure.problems.flatMap(problemGroups), ...problemGroups(failure)];
	return [...new Set(named)].filter((name) => names.has(name));
}

export function overview(context: Context, registry: Registry, selection: Selection, label?: string): Overview {
	const grouped = new Set<string>();
	const name = (key: string) => registry.packages.get(key)?.name ?? key;
	const { pending, removing } = pendingKeys(context, registry, selection);
	const local = machineGroupChoices(context.project, registry);
	const groups = [...registry.groups.values()].map((group) => {
		const mine = local.get(group.key);
		const selected = mine ? (mine.option === null ? [] : [mine.option]) : (selection.get(group.key) ?? []);
		for (const option of group.options) grouped.add(option);
		return {
			name: group.name,
			strategy: group.strategy,
			description: group.description,
			options: group.options.map((key) => ({
				name: name(key),
				version: registry.packages.get(key)?.version ?? "",
				selected: selected.includes(key),
			})),
			selected: selected.map(name),
			// the group's own business: what it selects, and what it no longer selects that a sync
			// would remove (an option another group selects is that group's)
			synced:
				mine && context.project
					? machineOptionInstalled(context.project, registry, mine.option)
					: !group.options.some(
							(key) => (selected.includes(key) && pending.has(key)) || (!selected.includes(key) && removing.has(key)),
						),
			...(mine ? { machine: machineJson(mine, name) } : {}),
		};
	});
	const ungrouped = [...registry.packages.values()]
		.filter((pkg) => !grouped.has(pkg.key))
		.map((pkg) => ({ name: pkg.name, version: pkg.version }));
	return {
		registry: label ?? registry.root,
		project: context.project?.file ?? null,
		mode: context.project?.mode ?? DEFAULT_MODE,
		groups,
		ungrouped,
	};
}

function machineJson(
	choice: MachineGroupChoice,
	name: (key: string) => string,
): NonNullable<Overview["groups"][number]["machine"]> {
	return {
		option: choice.option === null ? null : name(choice.option),
		from: choice.from,
		...(choice.why !== undefined ? { why: choice.why } : {}),
	};
}

/**
 * Packages whose state a sync would change, straight from the planner: to add, switch source or
 * remove, or selected without a source for the project's mode.
 */
function pendingKeys(
	context: Context,
	registry: Registry,
	selection: Selection,
): { pending: Set<string>; removing: Set<string> } {
	const project = context.project;
	if (!project) return { pending: new Set(), removing: new Set() };
	// a killed hpm's change that the next writing command will undo: nothing in it counts as synced
	if (existsSync(path.join(project.root, JOURNAL_FILE)))
		return { pending: new Set([...selection.values()].flat()), removing: new Set(project.managed.map(normalizeName)) };
	const state = stateOfProject(project);
	const plan = makePlan(registry, selection, project.mode, state);
	const planned = new Set(plan.selected.map((entry) => entry.key));
	const unplannable = [...selection.values()].flat().filter((key) => !planned.has(key));
	// "synced" means pyproject.toml, uv.lock and the environment all have it (a fresh clone has
	// neither uv.lock nor .venv until `hpm sync`)
	// in a uv workspace, uv.lock and .venv are the workspace root's
	const locked = lockedPackages(state.workspace?.root ?? project.root);
	const installed = installedPackages(state.workspace?.root ?? project.root);
	const missing = plan.selected
		.filter((entry) => !locked.has(entry.key) || !installed?.has(entry.key))
		.map((entry) => entry.key);
	return {
		pending: new Set([...plan.add, ...plan.switch].map((entry) => entry.key).concat(unplannable, missing)),
		removing: new Set(plan.remove.map((entry) => entry.key)),
	};
}

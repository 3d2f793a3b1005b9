import type { Machine } from "../os/machine-probe.js";
import type { Group, Needs, Registry } from "../registry/model.js";
import { compareRelease, inRange, release, type VersionRange } from "../registry/version-range.js";

/** How one option fares on the machine. */
export type OptionFit = {
	readonly option: string;
	/** The option's needs in words (`cuda >=12.8`), or `nothing`. */
	readonly needs: string;
	readonly met: boolean;
	/** Why it is not met (`CUDA 12.6 is not >=12.8`), or empty. */
	readonly why: string;
};

/** Which option `choose: auto` takes on this machine, and why: data, plus one sentence. */
export type AutoVerdict = {
	readonly group: string;
	/** The option's name, or undefined when none fits (no GPU option is met and none needs nothing). */
	readonly option: string | undefined;
	readonly options: readonly OptionFit[];
	readonly reason: string;
};

type Candidate = { readonly name: string; readonly needs?: Needs | undefined };

/**
 * The option `choose: auto` takes: among the options whose needs the machine meets, one that needs
 * a GPU the machine has over one that needs nothing (the CPU build); among those, the one that
 * needs the highest version of the same accelerator (cu128's `>=12.8` over cu126's `>=12.6`, in
 * whatever order the file lists them: the newest build the driver runs is the one worth having),
 * the group's option order breaking ties and choosing between kinds (CUDA before ROCm if a
 * machine had both and the file lists CUDA first). No GPU: the option that needs nothing.
 */
export function chooseByMachine(group: string, options: readonly Candidate[], machine: Machine): AutoVerdict {
	const fits = options.map((option) => fit(option, machine));
	const met = options.filter((_, index) => fits[index]?.met);
	const gpu = met.filter((option) => option.needs !== undefined);
	let chosen: Candidate | undefined;
	if (gpu.length > 0) {
		const kind = kindOf(gpu[0]?.needs);
		const same = gpu.filter((option) => kindOf(option.needs) === kind);
		chosen = same.reduce((best, option) =>
			compareRelease(floor(option.needs, kind), floor(best.needs, kind)) > 0 ? option : best,
		);
	} else chosen = met[0];
	const found = describeMachine(machine);
	const reason =
		chosen === undefined
			? `${found}; no option of ${group} fits it (${fits.map((f) => `${f.option}: ${f.why}`).join("; ")})`
			: chosen.needs === undefined
				? `${found}; ${chosen.name} needs nothing${gpu.length === 0 && fits.some((f) => !f.met) ? ", and no GPU option's needs are met" : ""}`
				: `${found}; ${chosen.name} needs ${needsText(chosen.needs)}, the highest option it meets`;
	return { group, option: chosen?.name, options: fits, reason };
}

/** `chooseByMachine` for a group of the registry. */
export function autoChoice(registry: Registry, group: Group, machine: Machine): AutoVerdict {
	const options = group.options.map((key) => {
		const pkg = registry.packages.get(key);
		return { name: pkg?.name ?? key, needs: pkg?.needs };
	});
	return chooseByMachine(group.name, options, machine);
}

/** What was detected, in words: `CUDA 12.8 (nvidia-smi, driver 570.86.15)`, or `no GPU found`. */
export function describeMachine(machine: Machine): string {
	const parts: string[] = [];
	if (machine.cuda)
		parts.push(
			`CUDA ${machine.cuda.version} (${machine.cuda.from}${machine.cuda.driver ? `, driver ${machine.cuda.driver}` : ""})`,
		);
	if (machine.rocm)
		parts.push(
			`ROCm ${machine.rocm.version ?? "of unknown version"} (${machine.rocm.targets.join(", ")}, ${machine.rocm.from})`,
		);
	if (machine.appleSilicon) parts.push("Apple silicon");
	return parts.length > 0 ? parts.join(", ") : `no GPU found (${machine.platform})`;
}

export function needsText(needs: Needs | undefined): string {
	if (needs === undefined) return "nothing";
	return [
		needs.cuda ? `cuda ${needs.cuda.text}` : "",
		needs.rocm ? `rocm ${needs.rocm.text}` : "",
		needs.appleSilicon ? "apple-silicon" : "",
	]
		.filter(Boolean)
		.join(", ");
}

function fit(option: Candidate, machine: Machine): OptionFit {
	const needs = option.needs;
	const why: string[] = [];
	const version = (what: string, have: string | undefined, range: VersionRange) => {
		if (have === undefined) why.push(`no ${what} found`);
		else if (!inRange(have, range)) why.push(`${what} ${have} is not ${range.text}`);
	};
	if (needs?.cuda) version("CUDA", machine.cuda?.version, needs.cuda);
	if (needs?.rocm) {
		if (machine.rocm && machine.rocm.version === undefined) why.push("the ROCm version is unknown");
		else version("ROCm", machine.rocm?.version, needs.rocm);
	}
	if (needs?.appleSilicon && !machine.appleSilicon) why.push("not Apple silicon");
	return { option: option.name, needs: needsText(needs), met: why.length === 0, why: why.join(", ") };
}

type Kind = "cuda" | "rocm" | "apple-silicon";
const kindOf = (needs: Needs | undefined): Kind => (needs?.cuda ? "cuda" : needs?.rocm ? "rocm" : "apple-silicon");

/** The lowest version a range admits, as release numbers (`>=12.8` → [12, 8]); [] when it has no floor. */
function floor(needs: Needs | undefined, kind: Kind): bigint[] {
	const range = kind === "cuda" ? needs?.cuda : kind === "rocm" ? needs?.rocm : undefined;
	const floors = (range?.clauses ?? [])
		.filter((clause) => /^(>=|>|==|===|~=)/.test(clause))
		.map((clause) => release(clause.replace(/^[~=<>!]+/, "")) ?? []);
	return floors.reduce((a, b) => (compareRelease(a, b) >= 0 ? a : b), []);
}

import type { Locator } from "../core/plan/context.js";
import { openSelection } from "../core/plan/open-selection.js";
import type { InputSpecs } from "../core/base/inputs.js";
import type { Source } from "../core/registry/model.js";
import { COMMON_FLAGS } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { FILES, SHELLS } from "./completion-script.js";

/**
 * What can come next on `hpm WORDS…` where the last word is the one being typed (possibly empty):
 * command words, flags, and from the project's registry group names, option names and modes. The
 * shell filters by what was typed; this lists everything that fits the position.
 */
export async function completions(words: readonly string[], cwd: string): Promise<string[]> {
	const before = words.slice(0, -1);
	const current = words.at(-1) ?? "";
	const names = Object.keys(COMMANDS);
	// the global flags before the command words, with their values
	let index = 0;
	const locator: { registry?: string; project?: string } = {};
	while (index < before.length && (before[index] ?? "").startsWith("-")) {
		const flag = before[index] ?? "";
		if (["-r", "--registry", "-p", "--project"].includes(flag)) {
			const value = before[index + 1];
			if (value !== undefined) locator[flag.includes("r") ? "registry" : "project"] = value;
			index += 2;
		} else index += 1;
	}
	if (index > before.length) return [FILES];
	// `hpm help WORDS`: only command words follow
	const helping = before[index] === "help";
	if (helping) index += 1;
	// the command words typed so far
	const typed: string[] = [];
	while (index < before.length) {
		const next = [...typed, before[index]].join(" ");
		if (!names.some((name) => name === next || name.startsWith(`${next} `))) break;
		typed.push(before[index] ?? "");
		index += 1;
		if (names.includes(next)) break;
	}
	const name = typed.join(" ");
	const entry = COMMANDS[name];
	if (helping && (entry || index < before.length)) return [];
	if (!entry) {
		if (current.startsWith("-")) return flagWords(COMMON_FLAGS);
		// the next command word
		const prefix = typed.length > 0 ? `${name} ` : "";
		const next = names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length).split(" ")[0] ?? "");
		return unique(typed.length === 0 && !helping ? [...next, "help"] : next);
	}
	const command = (await entry.load()).default;
	const flags: InputSpecs = { ...COMMON_FLAGS, ...command.flags };
	const rest = before.slice(index);
	for (let i = 0; i < rest.length; i++) {
		const word = rest[i] ?? "";
		if (word.startsWith("--") && word.includes("=")) continue;
		const spec = specOf(word, flags);
		if (spec?.type === "string") {
			const flagName = specName(word, flags);
			if (flagName === "registry") locator.registry = rest[i + 1];
			if (flagName === "project") locator.project = rest[i + 1];
			i += 1;
		}
	}
	// `--flag=VALUE` typed as one word: its values, each with the flag in front
	const joined = /^--([\w-]+)=/.exec(current);
	if (joined?.[1] !== undefined && flags[joined[1]]?.type === "string") {
		const values = await valueWords(joined[1], name, rest, locator, cwd);
		return values[0] === FILES ? values : values.map((value) => `--${joined[1]}=${value}`);
	}
	const previous = before.at(-1) ?? "";
	const valueOf = specOf(previous, flags)?.type === "string" && rest.length > 0 ? specName(previous, flags) : undefined;
	if (valueOf !== undefined) return valueWords(valueOf, name, rest, locator, cwd);
	if (current.startsWith("-")) return flagWords(flags);
	// a positional argument
	const positionals = positionalsOf(rest, flags);
	return positionalWords(name, positionals.length, locator, cwd);
}

function specOf(word: string, flags: InputSpecs) {
	const name = specName(word, flags);
	return name === undefined ? undefined : flags[name];
}

function specName(word: string, flags: InputSpecs): string | undefined {
	if (word.startsWith("--")) return word.slice(2) in flags ? word.slice(2) : undefined;
	if (/^-\w$/.test(word)) return Object.entries(flags).find(([, spec]) => spec.short === word.slice(1))?.[0];
	return undefined;
}

function positionalsOf(rest: readonly string[], flags: InputSpecs): string[] {
	const found: string[] = [];
	for (let i = 0; i < rest.length; i++) {
		const word = rest[i] ?? "";
		if (word.startsWith("-")) {
			if (!word.includes("=") && specOf(word, flags)?.type === "string") i += 1;
			continue;
		}
		found.push(word);
	}
	return found;
}

/** Every kind of source, for `--type`: a table, so that a new kind cannot be left out. */
const SOURCE_TYPES = { local: true, git: true, index: true } as const satisfies Record<Source["type"], true>;

function flagWords(flags: InputSpecs): string[] {
	return Object.keys(flags).map((name) => `--${name}`);
}

async function valueWords(
	flag: string,
	command: string,
	rest: readonly string[],
	locator: Locator,
	cwd: string,
): Promise<string[]> {
	if (["registry", "project", "path", "manifest", "output"].includes(flag)) return [FILES];
	if (flag === "format" && command === "export") return ["requirements", "pylock"];
	if (flag === "strategy") return ["1-of-N", "M-of-N"];
	if (flag === "type") return Object.keys(SOURCE_TYPES);
	const registry = await registryOf(locator, cwd);
	if (!registry) return [];
	if (flag === "mode") return modes(registry);
	if (flag === "group") return [...registry.groups.values()].map((g) => g.name);
	if (flag === "index") return [...registry.indexes.values()].map((i) => i.name);
	if (flag === "option") {
		const group = positionalsOf(rest, {}).at(0);
		if (command.startsWith("group ") && group !== undefined) {
			const found = [...registry.groups.values()].find((g) => g.name === group || g.key === group);
			if (found) return found.options.map((key) => registry.packages.get(key)?.name ?? key);
		}
		return [...registry.packages.values()].map((p) => p.name);
	}
	return [];
}

async function positionalWords(command: string, position: number, locator: Locator, cwd: string): Promise<string[]> {
	if (command === "completion") return position === 0 ? [...SHELLS] : [];
	if (command === "ci init") return position === 0 ? ["github", "gitlab"] : [];
	const registry = await registryOf(locator, cwd);
	if (!registry) return [];
	if ((command === "group add" || command === "group remove") && position === 0)
		return [...registry.groups.values()].map((g) => g.name);
	if (command === "show" && position === 0)
		return [...registry.groups.values(), ...registry.packages.values()].map((x) => x.name);
	if (command === "mode" && position === 0) return modes(registry);
	return [];
}

type Loaded = Awaited<ReturnType<typeof openSelection>>["registry"];

async function registryOf(locator: Locator, cwd: string): Promise<Loaded | undefined> {
	try {
		// a Tab never waits for the network: a registry from git completes from hpm's cache, or not at all
		return (await openSelection({ locator, cwd }, { project: "optional", policy: "never" })).registry;
	} catch {
		return undefined; // no project, no registry: nothing to offer, and nothing to say while completing
	}
}

function modes(registry: Loaded): string[] {
	return unique([...registry.packages.values()].flatMap((pkg) => [...pkg.sources.keys()])).sort();
}

function unique(words: readonly string[]): string[] {
	return [...new Set(words.filter((word) => word !== ""))];
}

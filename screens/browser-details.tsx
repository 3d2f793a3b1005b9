import path from "node:path";
import { Box, Text } from "ink";
import { glyphs } from "../components/glyphs.js";
import { normalizeName } from "../source/core/base/names.js";
import { displayPath } from "../source/core/base/display-path.js";
import { describeSource } from "../source/core/registry/describe.js";
import { groupsOffering } from "../source/core/registry/model.js";
import { displaySafe } from "../source/core/base/text.js";
import { machineChoiceWords } from "../source/core/plan/machine-overview.js";
import type { GroupRow } from "./browser-state.js";
import type { View } from "./view.js";

export type BrowserDetailsProps = {
	readonly view: View;
	readonly height: number;
	/** The group under the cursor. */
	readonly group: GroupRow | undefined;
	/** The option under the cursor: its package is shown. */
	readonly option: GroupRow["options"][number] | undefined;
	/** Why a rule forbids the option under the cursor, when one does. */
	readonly blocked: string | undefined;
};

/** The focused package below the panes: its sources, groups, manifest, and what its group declares. */
export function BrowserDetails({ view, height, group, option, blocked }: BrowserDetailsProps) {
	const pkg = option ? view.registry.packages.get(normalizeName(option.name)) : undefined;
	// a per-machine group: this machine's option, where it comes from, and what the machine has
	const machine = group ? view.overview.groups.find((each) => each.name === group.name)?.machine : undefined;
	return (
		<Box flexDirection="column" height={height} flexShrink={1} overflow="hidden" paddingX={1}>
			{pkg ? (
				<>
					<Text wrap="truncate-end">
						<Text bold>{pkg.name}</Text> {pkg.version} <Text dimColor>{pkg.description}</Text>
					</Text>
					{machine ? (
						<Text color="cyan" wrap="truncate-end">
							this machine: {machine.option ?? "none"} ({machineChoiceWords(machine.from)})
							{view.overview.hardware ? `; detected ${displaySafe(view.overview.hardware)}` : ""}
						</Text>
					) : null}
					{[...pkg.sources].slice(0, Math.max(2, height - 4)).map(([mode, source]) => (
						<Text key={mode} wrap="truncate-end">
							<Text color={mode === view.overview.mode ? "green" : undefined}>{mode.padEnd(6)}</Text>{" "}
							{describeSource(source)}
						</Text>
					))}
					{blocked ? (
						<Text color="red" wrap="truncate-end">
							{glyphs.cross} {blocked}
						</Text>
					) : null}
					<Text dimColor wrap="truncate-end">
						groups:{" "}
						{groupsOffering(view.registry, pkg.key)
							.map((g) => g.name)
							.join(", ") || "none"}
					</Text>
					{/* a tall terminal has room for where the package is declared and what its group is for */}
					{height >= 8 ? (
						<Text dimColor wrap="truncate-start">
							manifest: {displaySafe(shortPath(pkg.location.file, view.context.project?.root))}
						</Text>
					) : null}
					{height >= 9 && group && !group.ungrouped ? (
						<Text dimColor wrap="truncate-end">
							{group.name} ({groupTerms(view.registry, group.name, group.strategy)}):{" "}
							{displaySafe(group.description || "no description")}
						</Text>
					) : null}
				</>
			) : (
				<Text dimColor>{group ? group.description : ""}</Text>
			)}
		</Box>
	);
}

/** A group's strategy and what its file declares: the default, required, min, max, the interface. */
function groupTerms(registry: View["registry"], name: string, strategy: string): string {
	const group = registry.groups.get(normalizeName(name));
	if (!group) return strategy;
	const names = (keys: readonly string[]) => keys.map((key) => registry.packages.get(key)?.name ?? key).join("+");
	return [
		strategy,
		group.defaults.length ? `default ${names(group.defaults)}` : "",
		group.required ? "required" : "",
		group.min !== undefined ? `min ${group.min}` : "",
		group.max !== undefined ? `max ${group.max}` : "",
		group.interface ? `interface ${names([group.interface])}` : "",
	]
		.filter(Boolean)
		.join(", ");
}

/** A file's path from the project's folder when it is inside it (the registry's files usually are). */
function shortPath(file: string, root: string | undefined): string {
	const relative = root === undefined ? file : path.relative(root, file);
	return relative.startsWith("..") || path.isAbsolute(relative) ? displayPath(file) : relative;
}

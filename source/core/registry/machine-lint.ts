/**
 * What `hpm registry lint` can say of per-machine options without uv (it never resolves): a marker
 * that holds on no common platform (the option's index, or a family member, would never apply),
 * and a family member, or the requirement, that a local (file://) index does not hold. Whether an
 * option resolves with a project is `hpm check`'s (operations/check-machine.ts): it runs uv.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Problem } from "../base/errors.js";
import { parseMarker } from "./marker.js";
import { neverHolds } from "./marker-holds.js";
import type { Registry } from "./model.js";
import { parseMarkedRequirement } from "./requirement.js";

export function machineLintProblems(registry: Registry): Problem[] {
	const problems: Problem[] = [];
	for (const pkg of registry.packages.values()) {
		for (const [mode, source] of pkg.sources) {
			if (source.type !== "index") continue;
			const location = source.machineOnlyAt ?? source.location ?? pkg.location;
			const markers = [
				...(source.marker !== undefined ? [{ what: `sources.${mode}.marker`, text: source.marker }] : []),
				...(source.family ?? []).flatMap((member) => {
					const parsed = parseMarkedRequirement(member.line);
					return typeof parsed !== "string" && parsed.marker !== undefined
						? [{ what: `the family's ${member.name}`, text: member.line.slice(member.line.indexOf(";") + 1) }]
						: [];
				}),
			];
			for (const { what, text } of markers) {
				const marker = parseMarker(text);
				if (typeof marker !== "string" && neverHolds(marker))
					problems.push({
						code: "invalid-requirement",
						message: `${pkg.name}: ${what} (${text.trim()}) holds on no platform (Linux, macOS, Windows; Python 3.8 to 3.14)`,
						location,
					});
			}
			const folder = localIndexFolder(source.index === undefined ? undefined : registry.indexes.get(source.index)?.url);
			if (folder === undefined) continue;
			const names = source.family?.map((member) => member.name) ?? [pkg.key];
			for (const name of names)
				if (!existsSync(path.join(folder, name)))
					problems.push({
						code: "unknown-package",
						message: `${pkg.name}: sources.${mode} installs ${name} from index "${source.index ?? ""}", which has no ${name} (${path.join(folder, name)} is not there)`,
						location,
					});
		}
	}
	return problems;
}

/** The folder of a `file://` or absolute-path index; undefined for one hpm cannot read without a network. */
function localIndexFolder(url: string | undefined): string | undefined {
	if (url === undefined) return undefined;
	try {
		const folder = url.startsWith("file://") ? fileURLToPath(url) : path.isAbsolute(url) ? url : undefined;
		return folder !== undefined && existsSync(folder) ? folder : undefined;
	} catch {
		return undefined;
	}
}

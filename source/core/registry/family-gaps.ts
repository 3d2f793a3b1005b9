import type { Problem } from "../base/errors.js";
import type { Registry } from "./model.js";
import { parseRequirement } from "./requirement.js";

/**
 * A lint warning for each option of a group with families whose family lacks a distribution every
 * other option of the group installs (the CPU build without torchaudio while the CUDA builds have it): a
 * machine on that option runs without it, or takes it from wherever uv finds it. Compared per mode,
 * over index sources only: the first requirement's name and the family's members.
 */
export function familyGapWarnings(registry: Registry): Problem[] {
	const warnings: Problem[] = [];
	for (const group of registry.groups.values()) {
		const modes = new Set(group.options.flatMap((key) => [...(registry.packages.get(key)?.sources.keys() ?? [])]));
		for (const mode of [...modes].sort()) {
			const installs = new Map<string, { names: Set<string>; at: Problem["location"] }>();
			let families = false;
			for (const key of group.options) {
				const pkg = registry.packages.get(key);
				const source = pkg?.sources.get(mode);
				if (!pkg || source?.type !== "index") continue;
				const first = parseRequirement(source.requirement);
				const names = new Set([typeof first === "string" ? key : first.name]);
				for (const member of source.family ?? []) names.add(member.name);
				families ||= (source.family?.length ?? 0) > 0;
				installs.set(pkg.name, { names, at: source.location ?? pkg.location });
			}
			if (!families) continue;
			for (const [option, { names, at }] of installs) {
				const others = [...installs].filter(([name]) => name !== option);
				// what EVERY other option installs: a member only one build needs (ROCm's
				// pytorch-triton-rocm) is that build's own business
				const common = others.reduce<string[] | undefined>(
					(shared, [, other]) => (shared ?? [...other.names]).filter((name) => other.names.has(name)),
					undefined,
				);
				for (const name of (common ?? []).filter((n) => !names.has(n)).sort())
					warnings.push({
						code: "family-gap",
						choices: [`${group.name}=${option}`],
						groups: [group.name],
						message: `${group.name}=${option} (mode ${mode}) does not install ${name}, which every other option of the group installs (${others.map(([other]) => other).join(", ")}): add it to the source's family: (or leave it out of the others)`,
						...(at ? { location: at } : {}),
					});
			}
		}
	}
	return warnings;
}

import { choiceKeysOf, type MatrixProof } from "../plan/matrix-proof.js";
import type { Selection } from "../plan/selection.js";
import type { Registry } from "../registry/model.js";
import type { OpenPair, PairRow } from "./matrix-run.js";

/** What `hpm test` shows a combination as, for the reasons of pairs it did not prove. */
type Outcome = { readonly combination: string; readonly status: "passed" | "failed" | "unresolved" };

/**
 * What `hpm test` proved, pair by pair, in the matrix's terms (`pairs`, `compatible`, `uncovered`):
 * a pair of choices is covered only when a combination holding it resolved and the command passed
 * there; it conflicts only when uv proved the two a minimal failing set. Every other pair of the
 * plan is uncovered, with why: each combination holding it failed the command, or did not resolve.
 */
export function verdictRows(
	registry: Registry,
	proof: MatrixProof,
	reasons: ReadonlyMap<string, string>,
	combinations: readonly Selection[],
	outcomes: readonly Outcome[],
): { pairs: PairRow[]; compatible: [string, string][]; uncovered: OpenPair[] } {
	const label = (choice: string) => {
		const [group, option] = choice.split("=");
		return `${registry.groups.get(group ?? "")?.name ?? group}=${registry.packages.get(option ?? "")?.name ?? option}`;
	};
	const pairs: PairRow[] = proof.conflicts
		.map((set) => ({
			choices: set.map(label),
			status: set.length === 1 ? ("fails-alone" as const) : set.length === 2 ? ("conflict" as const) : ("set" as const),
			reason: reasons.get(set.join("\n")) ?? "",
		}))
		.sort((x, y) => x.choices.length - y.choices.length);
	const holding = (a: string, b: string) =>
		combinations.flatMap((selection, at) => {
			const keys = choiceKeysOf(selection);
			const outcome = outcomes[at];
			return keys.includes(a) && keys.includes(b) && outcome ? [outcome] : [];
		});
	const uncovered = proof.pairs
		.filter((p) => p.status === "uncovered")
		.map((p) => {
			const where = holding(p.a, p.b);
			const failed = where.filter((o) => o.status === "failed");
			const why =
				failed.length > 0
					? `not proven: the command failed in ${failed.length === where.length ? "every combination holding both" : "the combinations holding both that resolved"} (${failed[0]?.combination})`
					: where.length > 0
						? `not proven: no combination holding both resolved (${where[0]?.combination})`
						: (p.reason ?? "not proven: no combination holds both");
			return { a: label(p.a), b: label(p.b), reason: why };
		});
	const compatible = proof.pairs
		.filter((p) => p.status === "compatible")
		.map((p) => [label(p.a), label(p.b)] as [string, string]);
	return { pairs, compatible, uncovered };
}

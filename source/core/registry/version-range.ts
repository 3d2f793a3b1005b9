import { parseSpecifiers } from "./requirement.js";

/**
 * A range of a machine's versions (CUDA 12.8, ROCm 6.2.4) as an option's `needs:` states it, in
 * PEP 440 specifiers (`>=12.8`, `>=12.6,<13`). These versions are plain release numbers, so only
 * the release part is compared (`6.2.4-120` is 6.2.4).
 */
export type VersionRange = {
	/** As written. */
	readonly text: string;
	/** `operator` + version, as `parseSpecifiers` gives them. */
	readonly clauses: readonly string[];
};

/** The range, or why it is not one (a bare `12.8` is refused: say `>=12.8` or `==12.8`). */
export function parseVersionRange(text: string): VersionRange | string {
	if (/^\s*\d[\d.]*\s*$/.test(text)) return `must be a version range such as ">=${text.trim()}", not a bare version`;
	const clauses = parseSpecifiers(text);
	if (typeof clauses === "string") return clauses;
	if (clauses.length === 0) return "must name at least one bound, such as >=12.8";
	// a machine's version is a plain release (12.8): a .post1, rc1, .dev0 or +local would be compared wrongly
	const odd = clauses.find((clause) => !/^(?:~=|===|==|!=|<=|>=|<|>)\d+(?:\.\d+)*(?:\.\*)?$/.test(clause));
	if (odd !== undefined)
		return `has a version that is not a release number (a plain one, such as 12.8): ${JSON.stringify(odd)}`;
	const wildcard = clauses.find((clause) => clause.endsWith(".*") && !/^(?:==|!=)/.test(clause));
	if (wildcard !== undefined) return `${JSON.stringify(wildcard)}: only == and != take a .* wildcard`;
	const compatible = clauses.find((clause) => clause.startsWith("~=") && !clause.includes("."));
	if (compatible !== undefined)
		return `${JSON.stringify(compatible)}: ~= needs at least two parts (~=12.0 is >=12.0,==12.*), as PEP 440 says`;
	return { text: text.trim(), clauses };
}

/** Whether `version` (a machine's: `12.8`, `6.2.4-120`) is inside `range`. */
export function inRange(version: string, range: VersionRange): boolean {
	const have = release(version);
	if (have === undefined) return false;
	return range.clauses.every((clause) => meets(have, clause));
}

/** -1, 0 or 1 as release `a` is below, equal to or above `b` (missing parts are 0). */
export function compareRelease(a: readonly bigint[], b: readonly bigint[]): number {
	for (let i = 0; i < Math.max(a.length, b.length); i++) {
		const x = a[i] ?? 0n;
		const y = b[i] ?? 0n;
		if (x !== y) return x > y ? 1 : -1;
	}
	return 0;
}

/**
 * The release numbers at the start of `text` (`6.2.4-120` → [6, 2, 4]), or undefined; as BigInt,
 * so a part of any length compares exactly (a Number would round 99999999999999999999 down).
 */
export function release(text: string): bigint[] | undefined {
	const match = /^\s*v?(\d+(?:\.\d+)*)/.exec(text);
	return match?.[1]?.split(".").map(BigInt);
}

function meets(have: readonly bigint[], clause: string): boolean {
	const [, operator = "", written = ""] = /^(~=|===|==|!=|<=|>=|<|>)(.*)$/.exec(clause) ?? [];
	const wildcard = written.endsWith(".*");
	const want = release(wildcard ? written.slice(0, -2) : written) ?? [];
	const order = compareRelease(have, want);
	const prefix = want.every((part, i) => (have[i] ?? 0n) === part);
	switch (operator) {
		case "==":
		case "===":
			return wildcard ? prefix : order === 0;
		case "!=":
			return wildcard ? !prefix : order !== 0;
		case ">=":
			return order >= 0;
		case "<=":
			return order <= 0;
		case ">":
			return order > 0;
		case "<":
			return order < 0;
		case "~=":
			// ~=12.6 is >=12.6 and ==12.*
			return order >= 0 && want.slice(0, -1).every((part, i) => (have[i] ?? 0n) === part);
		default:
			return false;
	}
}

/**
 * Whether a parsed marker can hold anywhere hpm's users run: it is evaluated on Linux, macOS and
 * Windows (their usual machines) for Python 3.8 to 3.14. A variable these environments leave open
 * (`platform_release`, `platform_version`) or a comparison PEP 508 leaves to the tools (a string
 * ordered with `<`) counts as "may hold": only a marker false in every one of them never holds.
 */
import type { Marker } from "./marker.js";
import { compareRelease, release } from "./version-range.js";

type Environment = Readonly<Record<string, string>>;

const PLATFORMS = [
	{ sys_platform: "linux", platform_system: "Linux", os_name: "posix", machines: ["x86_64", "aarch64"] },
	{ sys_platform: "darwin", platform_system: "Darwin", os_name: "posix", machines: ["arm64", "x86_64"] },
	{ sys_platform: "win32", platform_system: "Windows", os_name: "nt", machines: ["AMD64", "ARM64"] },
] as const;
const PYTHONS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"];
const VERSIONS = new Set(["python_version", "python_full_version", "implementation_version"]);

const ENVIRONMENTS: readonly Environment[] = PLATFORMS.flatMap(({ machines, ...platform }) =>
	machines.flatMap((machine) =>
		PYTHONS.map((python) => ({
			...platform,
			platform_machine: machine,
			python_version: python,
			python_full_version: `${python}.0`,
			implementation_version: `${python}.0`,
			implementation_name: "cpython",
			platform_python_implementation: "CPython",
		})),
	),
);

/** Whether `marker` is false on every common platform and Python (then it never holds). */
export function neverHolds(marker: Marker): boolean {
	return ENVIRONMENTS.every((environment) => evaluate(marker, environment) === false);
}

/** true, false, or undefined (may hold: this environment leaves it open). */
function evaluate(marker: Marker, environment: Environment): boolean | undefined {
	switch (marker.kind) {
		case "and": {
			const [a, b] = [evaluate(marker.left, environment), evaluate(marker.right, environment)];
			return a === false || b === false ? false : a === true && b === true ? true : undefined;
		}
		case "or": {
			const [a, b] = [evaluate(marker.left, environment), evaluate(marker.right, environment)];
			return a === true || b === true ? true : a === false && b === false ? false : undefined;
		}
		case "compare": {
			const variable =
				"variable" in marker.left ? marker.left.variable : "variable" in marker.right ? marker.right.variable : "";
			const value = environment[variable];
			if (value === undefined) return undefined;
			const side = (operand: typeof marker.left) => ("variable" in operand ? value : operand.literal);
			return compare(side(marker.left), marker.op, side(marker.right), VERSIONS.has(variable));
		}
	}
}

const STRING_OPS: Readonly<Record<string, (left: string, right: string) => boolean>> = {
	in: (left, right) => right.includes(left),
	"not in": (left, right) => !right.includes(left),
	"===": (left, right) => left === right,
	"==": (left, right) => left === right,
	"!=": (left, right) => left !== right,
};

const VERSION_OPS: Readonly<Record<string, (a: readonly bigint[], b: readonly bigint[]) => boolean>> = {
	"==": (a, b) => compareRelease(a, b) === 0,
	"!=": (a, b) => compareRelease(a, b) !== 0,
	"<": (a, b) => compareRelease(a, b) < 0,
	"<=": (a, b) => compareRelease(a, b) <= 0,
	">": (a, b) => compareRelease(a, b) > 0,
	">=": (a, b) => compareRelease(a, b) >= 0,
	// ~=3.11 is >=3.11 and ==3.*: the release without its last part matches
	"~=": (a, b) => {
		const prefix = Math.max(1, b.length - 1);
		return compareRelease(a, b) >= 0 && compareRelease(a.slice(0, prefix), b.slice(0, prefix)) === 0;
	},
};

function compare(left: string, op: string, right: string, version: boolean): boolean | undefined {
	const [a, b] = version ? [release(left), release(right)] : [undefined, undefined];
	const byVersion = a !== undefined && b !== undefined && op !== "in" && op !== "not in" && op !== "===";
	if (byVersion) return VERSION_OPS[op]?.(a, b);
	return STRING_OPS[op]?.(left, right);
}

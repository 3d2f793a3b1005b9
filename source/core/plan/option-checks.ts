import type { Location } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import { redactSecrets } from "../base/secrets.js";
import { displaySafe } from "../base/text.js";
import type { Expectation, OptionCheck, Registry } from "../registry/model.js";

/**
 * Proof after install, pure: which checks the chosen options declare, what each asks Python to
 * look up (as JSON data, never code), and the verdict on what Python (or uv.lock) answered.
 */

/** One check of one chosen option. */
export type CheckItem = {
	readonly group: string;
	/** The option's name. */
	readonly option: string;
	readonly check: OptionCheck;
	/**
	 * An option of a per-machine group: uv.lock lists every option's packages, so its
	 * `lock-forbids` is judged on what this machine installed (.venv's distributions).
	 */
	readonly machine?: boolean;
};

export type CheckOutcome = {
	/** `group=option`. */
	readonly choice: string;
	/** The check in words: `torch's version has the local tag +cu128`. */
	readonly check: string;
	readonly ok: boolean;
	/** What was found: the value, the error, the forbidden names. */
	readonly found: string;
	readonly location?: Location | undefined;
};

/**
 * What Python said for one lookup: a value (a version, a scalar attribute as text), what an
 * attribute that is no scalar is (`shape`: `a mapping (os._Environ)`, never its contents), or the error.
 */
export type Looked =
	| { readonly ok: true; readonly value?: string | null; readonly shape?: string }
	| { readonly ok: false; readonly error: string };

/** How much of a found value is shown. */
const FOUND_LIMIT = 200;

/** A found value or error as shown: secrets redacted, then cut short, display-safe. */
export function shownFound(text: string): string {
	const redacted = redactSecrets(text);
	return displaySafe(redacted.length > FOUND_LIMIT ? `${redacted.slice(0, FOUND_LIMIT)}…` : redacted);
}

/** The checks of the chosen options, in group and option order. */
export function checkItems(
	registry: Registry,
	chosen: readonly { readonly key: string; readonly groups: readonly string[] }[],
	machine = false,
): CheckItem[] {
	return chosen.flatMap((entry) => {
		const pkg = registry.packages.get(entry.key);
		return (pkg?.checks ?? []).flatMap((check) =>
			entry.groups.map((group) => ({ group, option: pkg?.name ?? entry.key, check, ...(machine ? { machine } : {}) })),
		);
	});
}

/** The checks of this machine's options of per-machine groups (group key → option key). */
export function machineCheckItems(registry: Registry, chosen: ReadonlyMap<string, string>): CheckItem[] {
	const entries = [...chosen].map(([groupKey, key]) => ({
		key,
		groups: [registry.groups.get(groupKey)?.name ?? groupKey],
	}));
	return checkItems(registry, entries, true);
}

/** What Python is asked for a check (lock-forbids is answered from uv.lock instead). */
export function lookupOf(check: OptionCheck): Record<string, string> | undefined {
	switch (check.kind) {
		case "import":
			return { kind: "import", module: check.module };
		case "version":
			return { kind: "version", package: check.package };
		case "attribute":
			return { kind: "attribute", module: check.module, path: check.path };
		case "lock-forbids":
			return undefined;
	}
}

/**
 * The verdict on one check from what was looked up, or (lock-forbids) from uv.lock's package
 * names; for an option of a per-machine group, from `installed` (.venv's distributions) instead.
 */
export function judge(
	item: CheckItem,
	looked: Looked | undefined,
	locked: readonly string[],
	installed?: readonly string[] | string,
): CheckOutcome {
	const { check } = item;
	const base = { choice: `${item.group}=${item.option}`, check: describeCheck(check), location: check.location };
	if (check.kind === "lock-forbids" && item.machine) {
		base.check = `no ${check.pattern} installed on this machine`;
		if (typeof installed !== "object") return { ...base, ok: false, found: shownFound(installed ?? "not looked up") };
		const hits = installed.filter((name) => globMatch(check.pattern, name));
		return { ...base, ok: hits.length === 0, found: hits.length === 0 ? "none" : `${hits.join(", ")} installed` };
	}
	if (check.kind === "lock-forbids") {
		const hits = locked.filter((name) => globMatch(check.pattern, name));
		return { ...base, ok: hits.length === 0, found: hits.length === 0 ? "none" : `${hits.join(", ")} in uv.lock` };
	}
	if (looked === undefined) return { ...base, ok: false, found: "not looked up" };
	if (!looked.ok) return { ...base, ok: false, found: shownFound(looked.error) };
	if (looked.shape !== undefined) return { ...base, ok: false, found: shownFound(looked.shape) };
	const value = looked.value === null ? "None" : (looked.value ?? "");
	switch (check.kind) {
		case "import":
			return { ...base, ok: true, found: "imported" };
		case "version": {
			const local = value.includes("+") ? normalizeLocal(value.slice(value.indexOf("+") + 1)) : "";
			const ok = (check.local === undefined || normalizeLocal(check.local) === local) && expected(check, value);
			return { ...base, ok, found: shownFound(`${check.package} ${value}`) };
		}
		case "attribute":
			return { ...base, ok: expected(check, value), found: shownFound(value) };
	}
}

export function describeCheck(check: OptionCheck, installed?: boolean): string {
	const expect = (what: Expectation) =>
		[
			what.equals !== undefined ? `is ${JSON.stringify(what.equals)}` : "",
			what.startswith !== undefined ? `starts with ${JSON.stringify(what.startswith)}` : "",
		]
			.filter(Boolean)
			.join(" and ");
	switch (check.kind) {
		case "import":
			return `import ${check.module}`;
		case "version": {
			const parts = [check.local !== undefined ? `has the local tag +${check.local}` : "", expect(check)].filter(
				Boolean,
			);
			return `${check.package}'s installed version ${parts.length > 0 ? parts.join(" and ") : "is there"}`;
		}
		case "attribute":
			return displaySafe(`${check.module}.${check.path} ${expect(check)}`);
		case "lock-forbids":
			return installed ? `no ${check.pattern} installed (this machine's option)` : `no ${check.pattern} in uv.lock`;
	}
}

/** One sentence for the failed checks: each option named with what was found instead. */
export function failedSentence(failed: readonly CheckOutcome[]): string {
	return failed.map((f) => `${f.choice}: ${f.check} failed, found ${f.found}`).join("; ");
}

function expected(what: Expectation, value: string): boolean {
	return (
		(what.equals === undefined || value === what.equals) &&
		(what.startswith === undefined || value.startsWith(what.startswith))
	);
}

/** A local version tag as PEP 440 compares it: lower case, `-` and `_` as `.`. */
const normalizeLocal = (tag: string): string => tag.toLowerCase().replace(/[-_]/g, ".");

/** fnmatch (`*`, `?`, `[...]`, `[!...]`) of a glob on a normalized package name. */
export function globMatch(pattern: string, name: string): boolean {
	let source = "";
	const glob = pattern.toLowerCase().replace(/[-_.]+/g, "-");
	for (let i = 0; i < glob.length; i++) {
		const char = glob[i] ?? "";
		if (char === "*") source += ".*";
		else if (char === "?") source += ".";
		else if (char === "[") {
			const end = glob.indexOf("]", i + 2);
			if (end < 0) source += "\\[";
			else {
				const inner = glob.slice(i + 1, end);
				const negate = inner.startsWith("!");
				source += `[${negate ? "^" : ""}${(negate ? inner.slice(1) : inner).replace(/[\\\]^]/g, "\\$&")}]`;
				i = end;
			}
		} else source += char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
	}
	return new RegExp(`^${source}$`).test(normalizeName(name));
}

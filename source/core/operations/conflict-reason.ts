import { normalizeName } from "../base/names.js";
import type { PlanEntry } from "../plan/plan.js";

/**
 * The heart of a conflict uv explained, in package terms, for the problem line: two requirements
 * that cannot both hold (`attrs>=23 vs attrs<22`), the Python version that cannot be met and who
 * asks for it, or what one option needs that cannot be had. Undefined when uv's words do not say.
 * Only the wording comes from here: which choices are to blame is proven by resolutions.
 */
export function conflictReason(lines: readonly string[], items: readonly PlanEntry[]): string | undefined {
	const text = lines.join(" ").replace(/\s+/g, " ");
	const subject = (word: string) => (/^project$/i.test(word) ? "the project" : word.replace(/==\S+$/, ""));
	// the Python version
	const python = /the (requested|current) Python version \(([^)]+)\) does not satisfy Python\s*([^\s,]+)/.exec(text);
	if (python) {
		const who = new RegExp(`(\\S+?)(?:==\\S+)? depends on Python\\s*${escapeRegExp(python[3] ?? "")}`).exec(text);
		const needs = `${who ? subject(who[1] ?? "") : "a package"} needs Python ${trimSpec(python[3] ?? "")}`;
		return python[1] === "requested"
			? `${needs}; the project's requires-python is ${python[2]}`
			: `${needs}; the Python in use is ${python[2]}`;
	}
	// every "X depends on REQ" uv states, as (who, requirement, its package's name)
	const clauses: { who: string; requirement: string; name: string }[] = [];
	for (const match of text.matchAll(/(?:your )?([A-Za-z0-9][A-Za-z0-9._-]*(?:==\S+?)?) depends on (\S+)/g)) {
		const requirement = trimSpec(match[2] ?? "");
		const name = normalizeName(/^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement)?.[0] ?? "");
		if (!name || name === "python") continue;
		clauses.push({ who: subject(match[1] ?? ""), requirement, name });
	}
	const chosen = new Set(items.map((entry) => entry.key));
	// the project depending on the options themselves says nothing about why
	const relevant = clauses.filter((c) => !chosen.has(c.name) && c.requirement !== c.name);
	// each requirement in the order of the choices that state it (the project's last), as the
	// problem line names the choices
	const rank = (who: string) => {
		const at = items.findIndex((entry) => entry.key === normalizeName(who));
		return at === -1 ? items.length : at;
	};
	const ordered = [...relevant].sort((x, y) => rank(x.who) - rank(y.who));
	const byName = new Map<string, { requirements: string[]; who: Set<string> }>();
	for (const clause of ordered) {
		const entry = byName.get(clause.name) ?? { requirements: [], who: new Set<string>() };
		if (!entry.requirements.includes(clause.requirement)) entry.requirements.push(clause.requirement);
		entry.who.add(normalizeName(clause.who));
		byName.set(clause.name, entry);
	}
	for (const { requirements, who } of byName.values())
		if (requirements.length >= 2) {
			// a set of three or more whose explanation names fewer: the others are said, not left out
			const others = items.filter((entry) => !who.has(entry.key)).map((entry) => entry.name);
			return `${requirements.join(" vs ")}${others.length > 0 && items.length > 2 ? `, together with ${others.join(", ")}` : ""}`;
		}
	const own = relevant.filter((c) => chosen.has(normalizeName(c.who)));
	const first = own[0] ?? relevant[0];
	if (!first) return undefined;
	const available = new RegExp(`only (${escapeRegExp(first.name)}\\S*) is available`, "i").exec(text);
	return `${first.who} needs ${first.requirement}${available ? `; only ${trimSpec(available[1] ?? "")} is available` : ""}`;
}

/** uv's own last word on a failure (its `cause:` or `Caused by:` line), for a reason nothing else gives. */
export function uvCause(lines: readonly string[]): string | undefined {
	const line = [...lines].reverse().find((l) => /^\s*(cause|Caused by):/.test(l));
	const cause = line?.replace(/^\s*(cause|Caused by):\s*/, "").trim();
	return cause ? (cause.length > 240 ? `${cause.slice(0, 239)}…` : cause) : undefined;
}

function trimSpec(spec: string): string {
	return spec.replace(/[,.;:]+$/, "");
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

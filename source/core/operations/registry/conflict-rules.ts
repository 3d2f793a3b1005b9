import { isMap, isScalar, isSeq, type Node, parseDocument, type YAMLMap } from "yaml";
import path from "node:path";
import { HpmError } from "../../base/errors.js";
import { normalizeName } from "../../base/names.js";
import { redactSecrets } from "../../base/secrets.js";
import { displaySafe } from "../../base/text.js";
import type { LockHooks } from "../../project/lock.js";
import type { Locator } from "../../plan/context.js";
import { readRegularFile } from "../../os/read-file.js";
import type { Registry } from "../../registry/model.js";
import { type PlannedFile, writeRegistry } from "./registry-write.js";
import { quotedScalar } from "./yaml-escape.js";

/**
 * What a matrix proved can be kept: each pair of choices uv proved not to go together becomes a
 * `conflicts:` rule of the first choice's option in its group file, the reason as a YAML comment on
 * the same line, so a later `hpm check` refuses the pair from the rules before uv runs. A set of
 * three or more, or a choice that fails alone, has no rule form and is left out (and said so).
 */

/** A proven conflict as the matrix reports it: two `Group=Option` labels and uv's reason. */
export type FoundConflict = { readonly choices: readonly string[]; readonly reason: string };

/** One rule to keep: in `file`, option `option` of `group` conflicts with `target` (`group=option`). */
export type ConflictRule = {
	readonly file: string;
	readonly group: string;
	readonly option: string;
	readonly target: string;
	readonly reason: string;
	/** The line as written under the option. */
	readonly line: string;
};

/** The rules for `found` that the registry does not state yet (either way round). */
export function conflictRules(registry: Registry, found: readonly FoundConflict[]): ConflictRule[] {
	const rules: ConflictRule[] = [];
	const keyOf = (label: string) => {
		const [group = "", option = ""] = label.split("=");
		return { group: normalizeName(group), option: normalizeName(option) };
	};
	const stated = (a: { group: string; option: string }, b: { group: string; option: string }) =>
		(registry.groups.get(a.group)?.constraints ?? []).some(
			(rule) =>
				rule.kind === "conflicts" &&
				rule.option === a.option &&
				rule.target.group === b.group &&
				rule.target.option === b.option,
		);
	for (const conflict of found) {
		if (conflict.choices.length !== 2) continue;
		const [a, b] = conflict.choices.map(keyOf);
		if (!a || !b || stated(a, b) || stated(b, a)) continue;
		const group = registry.groups.get(a.group);
		const targetGroup = registry.groups.get(b.group);
		if (!group || !targetGroup || rules.some((r) => r.group === group.name && r.option === a.option)) continue;
		const target = `${targetGroup.name}=${registry.packages.get(b.option)?.name ?? b.option}`;
		const reason = oneLine(conflict.reason);
		rules.push({
			file: group.location.file,
			group: group.name,
			option: registry.packages.get(a.option)?.name ?? a.option,
			target,
			reason,
			line: `conflicts: [${quotedScalar(target)}]  # found by hpm: ${reason}`,
		});
	}
	return rules;
}

/** A reason as a comment may hold it: one line, no secret, no control character, at most 300 characters. */
function oneLine(reason: string): string {
	const text = redactSecrets(displaySafe(reason)).replace(/\s+/g, " ").trim();
	return text.length > 300 ? `${text.slice(0, 297)}...` : text || "uv found no resolution with both";
}

/**
 * Writes `rules` into their group files through the registry write protocol (locks, re-read,
 * refuse what would not load, checked write). Each file is edited line by line: nothing else in it
 * changes. Returns the files written.
 */
export async function writeConflictRules(
	locator: Locator,
	cwd: string,
	hooks: LockHooks,
	rules: readonly ConflictRule[],
): Promise<string[]> {
	return writeRegistry(locator, cwd, "check --matrix --write-rules", hooks, ({ root }) => {
		const byFile = new Map<string, ConflictRule[]>();
		for (const rule of rules) byFile.set(rule.file, [...(byFile.get(rule.file) ?? []), rule]);
		const files: PlannedFile[] = [];
		for (const [file, each] of byFile) {
			if (path.relative(root, file).startsWith("..") || path.isAbsolute(path.relative(root, file)))
				throw new HpmError(
					"registry-read-only",
					`${file} is in another registry layer; hpm writes rules only into ${root}`,
					{
						hint: "print them with --print-rules and add them in that layer",
						location: { file },
					},
				);
			const old = readRegularFile(file, 1_000_000).toString("utf8");
			let text = old;
			for (const rule of each) text = addConflict(text, rule, file);
			files.push({
				file,
				text,
				expected: old,
				guard: { existing: "may-be-linked", replacing: "the group file it points to" },
			});
		}
		return { files, result: [...byFile.keys()] };
	});
}

/** The option item of a group file's text whose name is `option` (normalized), with the document. */
function optionItem(
	text: string,
	option: string,
): { item: YAMLMap | undefined; document: ReturnType<typeof parseDocument> } {
	const document = parseDocument(text);
	const options = isMap(document.contents) ? document.contents.get("options", true) : undefined;
	const item = isSeq(options)
		? options.items.find(
				(entry): entry is YAMLMap =>
					isMap(entry) && normalizeName(String(entry.get("name") ?? "")) === normalizeName(option),
			)
		: undefined;
	return { item, document };
}

/** The conflicts an option states in a group file's text, as written. */
function conflictsOf(text: string, option: string): string[] {
	const value = optionItem(text, option).item?.toJSON() as { conflicts?: unknown } | undefined;
	return Array.isArray(value?.conflicts) ? value.conflicts.map(String) : [];
}

/**
 * `text` with `rule` added to its option: a new `conflicts:` line under the option's keys, or one
 * more item in the list it has. The result is read back to prove it says exactly that.
 */
export function addConflict(text: string, rule: ConflictRule, file: string): string {
	const expected = [...conflictsOf(text, rule.option), rule.target];
	const { item } = optionItem(text, rule.option);
	const newline = text.includes("\r\n") ? "\r\n" : "\n";
	const comment = `  # found by hpm: ${rule.reason}`;
	const lineEnd = (at: number) => {
		let end = text.indexOf("\n", at);
		if (end === -1) end = text.length;
		return text[end - 1] === "\r" ? end - 1 : end;
	};
	let result: string | undefined;
	const existing = item?.get("conflicts", true) as Node | undefined;
	const firstKey = item?.items[0]?.key as Node | undefined;
	if (item && !item.flow && existing === undefined && firstKey?.range) {
		// a line under the option's last line, at the column of its keys
		const keyStart = firstKey.range[0];
		const column = keyStart - (text.lastIndexOf("\n", keyStart - 1) + 1);
		const end = lineEnd(Math.max((item.range?.[1] ?? keyStart) - 1, keyStart));
		result = `${text.slice(0, end)}${newline}${" ".repeat(column)}${rule.line}${text.slice(end)}`;
	} else if (isSeq(existing) && existing.flow && existing.range) {
		const [start, valueEnd] = existing.range;
		const close = text.lastIndexOf("]", valueEnd);
		const inside = text.slice(start + 1, close).trim();
		const items = `${inside}${inside === "" ? "" : ", "}${quotedScalar(rule.target)}`;
		const at = lineEnd(close);
		const hasComment = text.slice(close, at).includes("#");
		result = `${text.slice(0, start)}[${items}]${text.slice(close + 1, at)}${hasComment ? "" : comment}${text.slice(at)}`;
	} else if (isSeq(existing) && !existing.flow && existing.items.length > 0) {
		const last = existing.items.at(-1) as Node | undefined;
		if (last?.range && isScalar(last)) {
			const start = last.range[0];
			const lineStart = text.lastIndexOf("\n", start - 1) + 1;
			const dash = text.lastIndexOf("-", start);
			const prefix = `${text.slice(lineStart, dash).replace(/\S/g, " ")}- `;
			const end = lineEnd(start);
			result = `${text.slice(0, end)}${newline}${prefix}${quotedScalar(rule.target)}${comment}${text.slice(end)}`;
		}
	}
	if (result === undefined || JSON.stringify(conflictsOf(result, rule.option)) !== JSON.stringify(expected))
		throw new HpmError("yaml-edit-mismatch", `could not add a rule to ${file} safely; nothing was written`, {
			hint: `add it by hand under option "${rule.option}": ${rule.line}`,
			location: { file },
		});
	return result;
}

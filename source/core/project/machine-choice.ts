/**
 * This machine's choices for per-machine groups (`machine: true`), kept in `.hpm/machine.toml`:
 * the `.hpm/` folder ignores itself in git, so each checkout keeps its own. A forced choice
 * (`--machine-choice` or `HPM_MACHINE_CHOICE`, for CI and Dockerfiles) wins over the file and is
 * never written into it.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { HpmError } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import { writeFileAtomic } from "../os/fs-atomic.js";
import { readRegularFile } from "../os/read-file.js";

export const MACHINE_FILE = path.join(".hpm", "machine.toml");
export const MACHINE_CHOICE_VARIABLE = "HPM_MACHINE_CHOICE";

/** One group's choice on this machine: the option, and why it was made (`auto`'s detection, or who chose it). */
export type MachineChoice = { readonly option: string; readonly why?: string | undefined };

/** Group key → this machine's choice, as `.hpm/machine.toml` records it (empty when there is none). */
export function readMachineChoices(root: string): Map<string, MachineChoice> {
	const file = path.join(root, MACHINE_FILE);
	const choices = new Map<string, MachineChoice>();
	if (!existsSync(file)) return choices;
	let data: Record<string, unknown>;
	const text = readRegularFile(file, 1_000_000).toString("utf8");
	try {
		data = parse(text) as Record<string, unknown>;
	} catch (error) {
		// smol-toml's message quotes the lines around the mistake: its first line and the position suffice
		const { line, column } = error as { line?: number; column?: number };
		const why = (error instanceof Error ? error.message : String(error))
			.split("\n")[0]
			?.replace(/^Invalid TOML document: /, "");
		throw new HpmError("machine-choice", `${file}${line ? `:${line}` : ""} is not valid TOML: ${why}`, {
			hint: `fix it, or delete it and choose again (\`hpm group add GROUP --option OPTION\`); hpm does not overwrite it meanwhile`,
			location: { file, ...(line ? { line } : {}), ...(column ? { column } : {}) },
		});
	}
	for (const [group, value] of Object.entries(data)) {
		const table = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
		if (typeof table.option !== "string" || invalidNameReason(table.option) || invalidNameReason(group)) {
			const at = text.split("\n").findIndex((row) => row.trim() === `[${group}]`) + 1;
			throw new HpmError(
				"machine-choice",
				`${file}${at > 0 ? `:${at}` : ""}: [${group}] has no valid option = "NAME"`,
				{
					hint: `fix the table, or delete it and choose again (\`hpm group add ${group} --option OPTION\`)`,
					location: { file, ...(at > 0 ? { line: at } : {}) },
				},
			);
		}
		choices.set(normalizeName(group), {
			option: normalizeName(table.option),
			...(typeof table.why === "string" ? { why: table.why } : {}),
		});
	}
	return choices;
}

/** Records this machine's choice for `group` (the rest of the file kept), atomically. */
export function recordMachineChoice(projectRoot: string, group: string, option: string, why?: string): void {
	const choices = readMachineChoices(projectRoot);
	choices.set(normalizeName(group), { option: normalizeName(option), ...(why !== undefined ? { why } : {}) });
	writeMachineChoices(projectRoot, choices);
}

/** Forgets this machine's choice for `group` (the group left the project). */
export function forgetMachineChoice(projectRoot: string, group: string): void {
	const choices = readMachineChoices(projectRoot);
	if (choices.delete(normalizeName(group))) writeMachineChoices(projectRoot, choices);
}

function writeMachineChoices(root: string, choices: ReadonlyMap<string, MachineChoice>): void {
	const folder = path.join(root, ".hpm");
	mkdirSync(folder, { recursive: true, mode: 0o700 });
	try {
		// the folder ignores itself, as the history does
		writeFileSync(path.join(folder, ".gitignore"), "# hpm's own files: this checkout's alone\n*\n", { flag: "wx" });
	} catch {
		// there already
	}
	const lines = ["# this machine's choices for per-machine groups (hpm writes it; not in git)"];
	for (const [group, choice] of [...choices].sort(([a], [b]) => a.localeCompare(b))) {
		lines.push("", `[${group}]`, `option = ${JSON.stringify(choice.option)}`);
		if (choice.why !== undefined) lines.push(`why = ${JSON.stringify(choice.why)}`);
	}
	writeFileAtomic(path.join(root, MACHINE_FILE), `${lines.join("\n")}\n`);
}

/**
 * Puts `.hpm/machine.toml` back as a history entry recorded it (`base64`; null: there was none),
 * when it differs; returns whether it changed anything.
 */
export function restoreMachineFile(root: string, base64: string | null): boolean {
	const file = path.join(root, MACHINE_FILE);
	const now = existsSync(file) ? readRegularFile(file, 1_000_000) : null;
	const wanted = base64 === null ? null : Buffer.from(base64, "base64");
	if (now === null ? wanted === null : wanted !== null && now.equals(wanted)) return false;
	if (wanted === null) rmSync(file, { force: true });
	else {
		mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
		writeFileAtomic(file, wanted);
	}
	return true;
}

/**
 * `group=option[,group=option…]` as `--machine-choice` and HPM_MACHINE_CHOICE give it: group key →
 * option key, each name checked; `from` says where it came from in an error.
 */
export function parseForcedChoices(text: string | undefined, from: string): Map<string, string> {
	const forced = new Map<string, string>();
	for (const part of (text ?? "").split(",")) {
		if (part.trim() === "") continue;
		const [group = "", option = "", extra] = part.split("=").map((side) => side.trim());
		const problem = extra !== undefined ? "more than one =" : (invalidNameReason(group) ?? invalidNameReason(option));
		if (problem !== undefined)
			throw new HpmError("machine-choice", `${from}: "${part}" is not GROUP=OPTION (${problem})`, {
				hint: "write it as torch-backend=cu128 (several separated by commas)",
			});
		forced.set(normalizeName(group), normalizeName(option));
	}
	return forced;
}

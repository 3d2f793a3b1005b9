/**
 * This machine's choices for per-machine groups (`machine: true`), kept in `.hpm/machine.toml`:
 * the `.hpm/` folder ignores itself in git, so each checkout keeps its own. A forced choice
 * (`--machine-choice` or `HPM_MACHINE_CHOICE`, for CI and Dockerfiles) wins over the file and is
 * never written into it.
 */
import { existsSync, lstatSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { HpmError, isCode } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import { writeFilesChecked } from "../os/checked-write.js";
import { writeFileAtomic } from "../os/fs-atomic.js";
import { readRegularFile, UnreadableFile } from "../os/read-file.js";
import { tomlSyntaxError } from "./toml-edit.js";

export const MACHINE_FILE = path.join(".hpm", "machine.toml");
export const MACHINE_CHOICE_VARIABLE = "HPM_MACHINE_CHOICE";

/** One group's choice on this machine: the option, and why it was made (`auto`'s detection, or who chose it). */
export type MachineChoice = { readonly option: string; readonly why?: string | undefined };

/** Group key → this machine's choice, as `.hpm/machine.toml` records it (empty when there is none). */
export function readMachineChoices(root: string): Map<string, MachineChoice> {
	return readMachineFile(root).choices;
}

/** The choices, and the file's text as read (undefined: there is no file), for a checked write. */
function readMachineFile(root: string): { choices: Map<string, MachineChoice>; text: string | undefined } {
	const file = path.join(root, MACHINE_FILE);
	const choices = new Map<string, MachineChoice>();
	if (!refuseLinks(root)) return { choices, text: undefined };
	let text: string;
	try {
		text = readRegularFile(file, 1_000_000, path.join(root, ".hpm")).toString("utf8");
	} catch (error) {
		// the reason only (a size, a kind): never a byte of what is there
		const reason = error instanceof UnreadableFile ? error.message : "cannot be read";
		throw new HpmError("machine-choice", `${file} ${reason}`, {
			hint: `delete it and choose again (\`hpm group add GROUP --option OPTION\`)`,
			location: { file },
		});
	}
	let data: Record<string, unknown>;
	try {
		data = parse(text) as Record<string, unknown>;
	} catch (error) {
		// file and line, never its lines: it may not be what hpm wrote
		const syntax = tomlSyntaxError(error, file);
		throw new HpmError("machine-choice", `this machine's choice file does not parse (${syntax.message})`, {
			hint: `delete it and choose again (\`hpm group add GROUP --option OPTION\`)`,
			location: syntax.location ?? { file },
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
	return { choices, text };
}

/** Records this machine's choice for `group` (the rest of the file kept), atomically. */
export function recordMachineChoice(projectRoot: string, group: string, option: string, why?: string): void {
	const { choices, text } = readMachineFile(projectRoot);
	choices.set(normalizeName(group), { option: normalizeName(option), ...(why !== undefined ? { why } : {}) });
	writeMachineChoices(projectRoot, choices, text);
}

/** Forgets this machine's choice for `group` (the group left the project). */
export function forgetMachineChoice(projectRoot: string, group: string): void {
	const { choices, text } = readMachineFile(projectRoot);
	if (choices.delete(normalizeName(group))) writeMachineChoices(projectRoot, choices, text);
}

/**
 * Refuses a symbolic link at `.hpm` or `.hpm/machine.toml`: hpm reads and writes its own file
 * only, never what a link points at (a key, another project's file). True when the file exists.
 */
function refuseLinks(root: string): boolean {
	for (const part of [".hpm", MACHINE_FILE]) {
		const file = path.join(root, part);
		let link: boolean;
		try {
			link = lstatSync(file).isSymbolicLink();
		} catch (error) {
			if (isCode(error, "ENOENT")) return false;
			return true; // .hpm is a file: the read says why it cannot be read
		}
		if (link)
			throw new HpmError("link", `${file} is a symbolic link; hpm reads and writes its own file there, never a link`, {
				hint: `remove the link (rm ${file}) and choose again (\`hpm group add GROUP --option OPTION\`)`,
				location: { file },
			});
	}
	return true;
}

/** Writes the file only while it holds `before` (what was read), never through a link. */
function writeMachineChoices(
	root: string,
	choices: ReadonlyMap<string, MachineChoice>,
	before: string | undefined,
): void {
	refuseLinks(root);
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
	refuseLinks(root); // again, the moment before the write: a link made meanwhile is refused too
	const file = path.join(root, MACHINE_FILE);
	writeFilesChecked(
		[{ file, expected: before, text: `${lines.join("\n")}\n` }],
		() =>
			new HpmError("machine-choice", `${file} changed while hpm wrote it; nothing was written`, {
				hint: "run the command again",
				location: { file },
			}),
	);
}

/**
 * Puts `.hpm/machine.toml` back as a history entry recorded it (`base64`; null: there was none),
 * when it differs; returns whether it changed anything.
 */
export function restoreMachineFile(root: string, base64: string | null): boolean {
	const file = path.join(root, MACHINE_FILE);
	refuseLinks(root); // never through a link at .hpm or at the file
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

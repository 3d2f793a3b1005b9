import { HpmError } from "../core/base/errors.js";
import { closest } from "../core/base/names.js";

/**
 * Where a command line goes, decided from its words alone (no command module is loaded): a
 * command with its arguments, the help of a command or a command group, the version, or the
 * main help. Global flags may come before the command words (`hpm --json -r ../reg list`), as uv,
 * git and cargo take them; they are handed to the command's own parser with its arguments.
 */
export type CommandRoute =
	| { readonly kind: "command"; readonly name: string; readonly args: readonly string[] }
	| { readonly kind: "help"; readonly name: string | undefined }
	| { readonly kind: "group-help"; readonly prefix: string }
	| { readonly kind: "version" }
	| { readonly kind: "main-help"; readonly exitCode: 0 | 2 };

/** Global flags that take a value, by every spelling. */
const VALUE_GLOBALS = new Set(["-r", "--registry", "-p", "--project"]);
/** Global flags that stand alone. */
const BOOLEAN_GLOBALS = new Set(["--json", "--no-color", "--help", "-h", "--version"]);

export function route(argv: readonly string[], names: readonly string[]): CommandRoute {
	// global flags before the first word
	const globals: string[] = [];
	let index = 0;
	while (index < argv.length) {
		const token = argv[index] ?? "";
		if (token === "--") {
			// the end of the flags: what follows are the command's words
			index += 1;
			break;
		}
		if (!token.startsWith("-") || token === "-") break;
		const bare = token.includes("=") ? token.slice(0, token.indexOf("=")) : token;
		if (VALUE_GLOBALS.has(bare)) {
			const joined = token.includes("=");
			if (!joined && index + 1 >= argv.length)
				throw new HpmError("usage", `${token} needs a value`, { hint: `${token} DIR, before or after the command` });
			globals.push(...(joined ? [token] : argv.slice(index, index + 2)));
			index += joined ? 1 : 2;
			continue;
		}
		// -rDIR, -pDIR: a short flag with its value attached
		if (/^-[rp]./.test(token)) {
			globals.push(token);
			index += 1;
			continue;
		}
		if (BOOLEAN_GLOBALS.has(token)) {
			globals.push(token);
			index += 1;
			continue;
		}
		throw new HpmError("usage", `unknown flag '${token}' before the command`, {
			hint: "flags for every command: -r/--registry DIR, -p/--project DIR, --json, --no-color, --help, --version; a command's own flags go after it",
		});
	}
	const rest = argv.slice(index);
	const asked = (flag: string) => globals.includes(flag);

	if (rest[0] === "help") {
		const words = rest.slice(1).filter((word) => !word.startsWith("-"));
		if (words.length === 0) return { kind: "main-help", exitCode: 0 };
		const found = findWords(words, names);
		if (found.kind === "command" && found.rest.length === 0) return { kind: "help", name: found.name };
		if (found.kind === "prefix" && found.rest.length === 0) return { kind: "group-help", prefix: found.prefix };
		throw unknownCommand(words, names);
	}
	if (rest.length === 0) {
		if (asked("--version")) return { kind: "version" };
		return { kind: "main-help", exitCode: argv.length === 0 || asked("--help") || asked("-h") ? 0 : 2 };
	}
	const found = findWords(rest, names);
	if (found.kind === "prefix") {
		const wantsHelp = asked("--help") || asked("-h") || found.rest.some((a) => a === "--help" || a === "-h");
		if (wantsHelp && found.rest.every((a) => a.startsWith("-"))) return { kind: "group-help", prefix: found.prefix };
		const next = found.rest[0];
		if (next === undefined || next.startsWith("-")) {
			throw new HpmError("unknown-command", `hpm ${found.prefix} needs a subcommand`, {
				hint: `use one of: ${children(found.prefix, names)
					.map((c) => `hpm ${c}`)
					.join(", ")}`,
			});
		}
		throw unknownCommand([...found.prefix.split(" "), next], names);
	}
	if (found.kind === "none") throw unknownCommand(rest, names);
	// the globals join the command's own arguments, before any `--` that ends the flags
	return { kind: "command", name: found.name, args: [...globals, ...found.rest] };
}

type Found =
	| { readonly kind: "command"; readonly name: string; readonly rest: readonly string[] }
	| { readonly kind: "prefix"; readonly prefix: string; readonly rest: readonly string[] }
	| { readonly kind: "none" };

/** The longest run of leading words that names a command (`registry group add`) or a group of them. */
function findWords(argv: readonly string[], names: readonly string[]): Found {
	const words: string[] = [];
	for (const word of argv) {
		if (word.startsWith("-")) break;
		const next = [...words, word].join(" ");
		if (!names.some((name) => name === next || name.startsWith(`${next} `))) break;
		words.push(word);
		if (names.includes(next)) break;
	}
	const name = words.join(" ");
	if (words.length === 0) return { kind: "none" };
	const rest = argv.slice(words.length);
	return names.includes(name) ? { kind: "command", name, rest } : { kind: "prefix", prefix: name, rest };
}

/** The commands under a group's words: `group` → `group add`, `group remove`. */
export function children(prefix: string, names: readonly string[]): string[] {
	return names.filter((name) => name.startsWith(`${prefix} `));
}

/** One error line with the closest existing commands, for words that name none. */
function unknownCommand(words: readonly string[], names: readonly string[]): HpmError {
	const typed = words.filter((word) => !word.startsWith("-"));
	const phrase = typed.slice(0, 3).join(" ");
	// the best match for as many words as were typed, then for the first word alone
	const full = closest(phrase, names);
	const firstWords = [...new Set(names.map((name) => name.split(" ")[0] ?? name))];
	// the first word alone, unless it was right (then only the full match helps)
	const first = firstWords.includes(typed[0] ?? "") ? undefined : closest(typed[0] ?? "", firstWords);
	const guesses = [...new Set([full, first].filter((g): g is string => g !== undefined))];
	return new HpmError("unknown-command", `unknown command "hpm ${phrase}"`, {
		hint:
			guesses.length > 0
				? `did you mean ${guesses.map((g) => `\`hpm ${g}\``).join(" or ")}? (\`hpm help\` lists every command)`
				: "`hpm help` lists every command",
	});
}

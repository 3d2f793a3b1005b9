/**
 * What each command prints with `--json` (SPEC §6, README "JSON output"), as zod schemas: the one
 * source of `docs/schemas/<command>.schema.json` (written by `node scripts/contract.mjs`) and of
 * the test that validates every command's real output (test/contract/json-output.test.ts).
 * Keys a script may rely on are required; keys a command prints only sometimes are optional.
 * Published schemas leave objects open (more keys may be added, none renamed); the test checks
 * the strict form, so a key printed but not described here fails it.
 *
 * Nothing in hpm imports this at run time: only the generator and the tests.
 */
import * as z from "zod/mini";
import { jsonParts, names } from "./json-parts.js";
import { machineOutputs, machineParts } from "./json-machine.js";
import { matrixOutputs } from "./json-matrix.js";

const built = new Map<boolean, ReturnType<typeof build>>();

/** Every schema, built strict (undescribed keys fail) or open (as published). */
export function jsonOutputs(strict: boolean): ReturnType<typeof build> {
	const found = built.get(strict) ?? build(strict);
	built.set(strict, found);
	return found;
}

function build(strict: boolean) {
	const {
		object,
		string,
		strings,
		count,
		problem,
		problems,
		location,
		option,
		named,
		lockChange,
		source,
		choice,
		graphGroup,
		listGroup,
	} = jsonParts(strict);
	return {
		error: object({
			error: object({ ...problem.shape, problems: z.optional(problems) }),
		}),
		list: object({
			registry: string,
			project: z.nullable(string),
			mode: string,
			groups: z.array(listGroup),
			ungrouped: z.array(object({ name: string, version: string })),
			hardware: z.optional(string),
			problems: z.optional(problems),
		}),
		show: z.discriminatedUnion("kind", [
			object({
				kind: z.literal("group"),
				name: string,
				strategy: string,
				description: string,
				options: z.array(option),
				file: string,
				hidden: strings,
				selected: z.boolean(),
				interface: z.optional(string),
				defaults: strings,
				required: z.boolean(),
				min: z.optional(count),
				max: z.optional(count),
				rules: strings,
			}),
			object({
				kind: z.literal("interface"),
				name: string,
				implementations: z.array(named),
				interfaceOf: strings,
			}),
			object({
				kind: z.literal("package"),
				name: string,
				version: string,
				description: string,
				sources: z.record(string, source),
				groups: strings,
				file: string,
				hidden: strings,
				selected: z.boolean(),
				selectedIn: strings,
				locked: z.nullable(string),
				provides: strings,
				replaces: z.optional(strings),
				implementations: z.array(named),
				interfaceOf: strings,
			}),
		]),
		search: object({
			results: z.array(object({ kind: z.enum(["group", "package"]), name: string, description: string })),
		}),
		why: object({
			package: string,
			locked: z.optional(string),
			chains: z.array(object({ via: z.optional(string), path: strings })),
			wouldCome: strings,
			lockFound: z.boolean(),
			replacedBy: strings,
		}),
		"why-not": object({
			group: string,
			option: string,
			chosen: z.boolean(),
			reasons: z.array(object({ reason: string, location })),
		}),
		graph: z.union([
			object({
				interfaces: z.array(object({ name: string, implementations: strings })),
				groups: z.array(graphGroup),
				ungrouped: strings,
				project: z.boolean(),
				problems,
			}),
			object({ format: z.enum(["text", "dot", "mermaid"]), text: string, problems }),
		]),
		"group-add": choice,
		"group-remove": choice,
		mode: object({
			mode: string,
			offered: strings,
			partial: z.array(
				object({
					mode: string,
					missing: z.array(object({ group: string, name: string, has: strings })),
				}),
			),
			changed: z.boolean(),
		}),
		check: object({
			ok: z.boolean(),
			problems,
			resolved: z.nullable(count),
			warnings: z.optional(problems),
		}),
		sync: object({
			plan: object({ add: strings, remove: strings, switch: strings, unchanged: strings }),
			changed: z.boolean(),
			dryRun: z.boolean(),
			mode: string,
			upgraded: z.optional(z.array(lockChange)),
			machine: machineParts(strict).choices,
		}),
		install: object({ installed: string, mode: string, requirement: string }),
		history: object({
			entries: z.array(object({ id: count, time: string, command: string, summary: string, lock: z.boolean() })),
			ignored: strings,
		}),
		diff: object({
			entry: object({ id: count, time: string, command: string, summary: string }),
			pyproject: string,
			lock: z.array(lockChange),
			lockChanged: z.boolean(),
		}),
		rollback: object({
			entry: object({ id: count, time: string, summary: string }),
			changed: z.boolean(),
			relocked: z.nullable(string),
		}),
		init: object({ project: string, registry: string, done: strings, next: strings }),
		"registry-add": object({
			name: string,
			version: string,
			file: string,
			action: z.enum(["created", "added", "replaced", "overwrote", "unchanged"]),
			mode: string,
			source: source,
			group: z.nullable(string),
		}),
		"registry-group-add": object({
			name: string,
			strategy: z.enum(["1-of-N", "M-of-N"]),
			file: string,
			options: strings,
			action: z.enum(["created", "unchanged"]),
		}),
		"registry-update": object({
			pins: z.array(
				object({
					registry: string,
					from: z.optional(z.nullable(string)),
					to: string,
					move: z.optional(z.enum(["same", "new", "forward", "backward", "rewritten", "gone"])),
				}),
			),
			changes: z.array(
				object({
					kind: z.enum(["added", "removed", "changed", "option-added", "option-removed"]),
					name: string,
					details: strings,
				}),
			),
			written: z.boolean(),
			fetchedOnly: z.boolean(),
		}),
		"registry-lint": object({ ok: z.boolean(), registry: string, problems, warnings: problems }),
		report: object({ file: string, bytes: count, missing: strings, opened: z.optional(z.boolean()) }),
		help: z.union([
			object({
				usage: string,
				description: string,
				flags: z.array(
					object({
						name: string,
						short: z.optional(string),
						value: z.optional(string),
						help: string,
					}),
				),
			}),
			object({ commands: z.array(object({ name: string, synopsis: z.optional(string), summary: string })) }),
		]),
		version: object({ version: string }),
		...machineOutputs(strict),
		...matrixOutputs(strict),
	};
}

export type JsonOutputName = keyof ReturnType<typeof jsonOutputs>;

/** The command line each schema describes, for its title. */
export const JSON_OUTPUT_COMMANDS: Readonly<Record<JsonOutputName, string>> = {
	error: "any command that fails, with --json",
	list: "hpm list --json",
	show: "hpm show NAME --json",
	search: "hpm search QUERY --json",
	why: "hpm why PACKAGE --json",
	"why-not": "hpm why-not GROUP=OPTION --json",
	graph: "hpm graph --json [--format text|dot|mermaid]",
	"group-add": "hpm group add GROUP --option NAME --json",
	"group-remove": "hpm group remove GROUP [--option NAME] --json",
	mode: "hpm mode [MODE] --json",
	check: "hpm check --json",
	"check-matrix": "hpm check --matrix --json",
	test: "hpm test --json -- CMD...",
	sync: "hpm sync --json",
	install: "hpm install --manifest FILE --json",
	history: "hpm history --json",
	diff: "hpm diff [N] --json",
	rollback: "hpm rollback [N] --json",
	init: "hpm init --json",
	"registry-add": "hpm registry add --json",
	"registry-group-add": "hpm registry group add NAME --json",
	"registry-update": "hpm registry update --json",
	"registry-lint": "hpm registry lint --json",
	report: "hpm report --json",
	help: "hpm help [COMMAND] --json, hpm COMMAND --help --json",
	version: "hpm --version --json",
	detect: "hpm detect --json",
	verify: "hpm verify --json",
};

/** The JSON Schema (draft 2020-12) of one output, as published under docs/schemas/. */
export function jsonSchemaOf(name: JsonOutputName): Record<string, unknown> {
	const schema = z.toJSONSchema(jsonOutputs(false)[name], { target: "draft-2020-12", io: "input", metadata: names });
	const { $schema, ...rest } = schema;
	return {
		$schema,
		title: JSON_OUTPUT_COMMANDS[name],
		description: `What \`${JSON_OUTPUT_COMMANDS[name]}\` prints on stdout (README "JSON output"): required keys are stable.`,
		...rest,
	};
}

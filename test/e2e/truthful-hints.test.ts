import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, read, ROOT, snapshot, tempDir } from "../helpers/run.js";
import { registerPackage, uvEnv, writePackage } from "../helpers/uv.js";

/** The example with `solo` selected in metrics: a package that has a prod source and no dev one. */
function withProdOnlyPackage(): string {
	const dir = copyExample();
	writePackage(path.join(dir, "packages/solo"), "solo");
	registerPackage(
		dir,
		'name: "solo"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/solo"\n',
		"solo",
		"metrics",
	);
	const file = path.join(dir, "pyproject.toml");
	writeFileSync(file, read(file).replace('metrics = ["metric-bleu"]', 'metrics = ["metric-bleu", "solo"]'));
	return dir;
}

const pyprojectEdit = (dir: string, from: string, to: string) => {
	const file = path.join(dir, "pyproject.toml");
	writeFileSync(file, read(file).replace(from, to));
};

describe("modes: hpm mode refuses what sync could not apply", () => {
	it("refuses a mode some selected package has no source for, naming it and the fix, exit 2, nothing written", () => {
		const dir = withProdOnlyPackage();
		const before = snapshot(dir);

		const refused = hpm(["mode", "dev"], { cwd: dir, env: uvEnv() });

		expect(refused.code).toBe(2);
		expect(refused.stdout).toBe("");
		expect(refused.stderr).toBe(
			'error: mode "dev" cannot be used: a selected package has no dev source: metrics=solo (it has: prod); nothing was written\n' +
				"hint: give it a dev source (`hpm registry add --name solo --mode dev --path DIR`, or --url / --requirement), or drop it (`hpm group remove metrics --option solo`); every selected package offers: prod\n",
		);
		expect(snapshot(dir)).toEqual(before);
		// the JSON error says the same
		const json = JSON.parse(hpm(["mode", "dev", "--json"], { cwd: dir, env: uvEnv() }).stdout);
		expect(json.error.code).toBe("no-source-for-mode");
		// what `hpm mode` offers is what it accepts; the rest is named with what lacks it
		const shown = hpm(["mode"], { cwd: dir, env: uvEnv() });
		expect(shown.stdout).toBe(
			"mode prod\nthe selected packages offer: prod\nnot dev: no dev source for metrics=solo\n",
		);
		expect(JSON.parse(hpm(["mode", "--json"], { cwd: dir, env: uvEnv() }).stdout)).toEqual({
			mode: "prod",
			offered: ["prod"],
			partial: [{ mode: "dev", missing: [{ group: "metrics", name: "solo", has: ["prod"] }] }],
			changed: false,
		});
		// once the package is dropped, dev is accepted
		expect(hpm(["group", "remove", "metrics", "--option", "solo"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const accepted = hpm(["mode", "dev"], { cwd: dir, env: uvEnv() });
		expect(accepted.code, accepted.stderr).toBe(0);
		expect(read(path.join(dir, "pyproject.toml"))).toContain('mode = "dev"');
	});

	// every kind of problem check lists before uv runs, and a uv that is missing: what check
	// exits with, sync exits with, and sync says each problem once
	const problems: readonly {
		readonly name: string;
		readonly setup: (dir: string) => void;
		readonly args?: readonly string[];
		readonly code: string;
		readonly env?: (dir: string) => NodeJS.ProcessEnv;
	}[] = [
		{ name: "no source for the mode", setup: () => {}, args: ["--mode", "dev"], code: "no-source-for-mode" },
		{ name: "a mode nothing offers", setup: () => {}, args: ["--mode", "staging"], code: "unknown-mode" },
		{
			name: "a group the registry lacks",
			setup: (d) => pyprojectEdit(d, "metrics =", "metricz ="),
			code: "unknown-group",
		},
		{
			name: "an option the group lacks",
			setup: (d) => pyprojectEdit(d, '"metric-bleu", "solo"', '"metric-bleu", "metric-nope"'),
			code: "unknown-option",
		},
		{
			name: "a local folder that is gone",
			setup: (d) => rmSync(path.join(d, "packages/solo"), { recursive: true }),
			code: "local-path",
		},
		{
			name: "a declared conflict",
			setup: (d) => {
				pyprojectEdit(d, '"vlm-adapter-qwen"', '"vlm-adapter-deepseek"');
				pyprojectEdit(d, '"metric-bleu", "solo"', '"metric-bleu", "metric-legacy"');
			},
			code: "constraint-conflicts",
		},
		{
			name: "a selected manifest that is not YAML",
			setup: (d) => writeFileSync(path.join(d, "registry/packages/solo.yaml"), "name: [\n"),
			code: "yaml-syntax",
		},
		{
			name: "two problems at once",
			setup: (d) => {
				rmSync(path.join(d, "packages/solo"), { recursive: true });
				pyprojectEdit(d, "inference =", "inferenz =");
			},
			code: "",
		},
		{
			name: "uv missing",
			setup: () => {},
			code: "uv-missing",
			env: () => ({ PATH: `${tempDir("hpm-no-uv-")}:${path.dirname(process.execPath)}` }),
		},
	];

	it.each(problems.map((p) => [p.name, p] as const))(
		"check and sync exit alike, each problem said once: %s",
		(_name, problem) => {
			const dir = withProdOnlyPackage();
			problem.setup(dir);
			const before = snapshot(dir);
			const env = { ...uvEnv(), ...problem.env?.(dir) };
			const args = problem.args ?? [];

			const check = hpm(["check", ...args, "--json"], { cwd: dir, env });
			const sync = hpm(["sync", ...args], { cwd: dir, env });
			const syncJson = hpm(["sync", ...args, "--json"], { cwd: dir, env });

			const listed = JSON.parse(check.stdout).problems as { code: string; message: string }[];
			expect(listed.length, check.stdout).toBeGreaterThan(0);
			if (problem.code !== "") expect(listed.map((p) => p.code)).toContain(problem.code);
			expect(check.code).toBe(1);
			expect(sync.code, sync.stderr).toBe(check.code);
			expect(syncJson.code).toBe(check.code);
			const said = sync.stdout + sync.stderr;
			for (const { message } of listed) {
				// uv's missing install is said as uv's own error, with its hint
				const text = problem.code === "uv-missing" ? message.replace(/ \(.*$/, "") : message;
				expect(said.split(text).length - 1, `said once: ${text}\n${said}`).toBe(1);
			}
			// everything is on screen: the hint does not send anyone to `hpm check` for it
			expect(sync.stderr).not.toContain("hpm check");
			if (problem.code !== "uv-missing") {
				expect(sync.stderr).toBe(
					`error: sync refused: the selection has ${listed.length === 1 ? "1 problem" : `${listed.length} problems`}; nothing was changed\nhint: fix ${listed.length === 1 ? "it" : "them"}, then run \`hpm sync\` again\n`,
				);
				// --json lists the same problems check lists
				const error = JSON.parse(syncJson.stdout).error;
				expect(error.problems.map((p: { code: string }) => p.code)).toEqual(listed.map((p) => p.code));
			}
			expect(snapshot(dir)).toEqual(before);
		},
	);
});

describe("every hint is true", () => {
	it("why-not suggests only choices of the user's registry", () => {
		const dir = tempDir("hpm-own-registry-");
		writeFileSync(
			path.join(dir, "pyproject.toml"),
			'[project]\nname = "own"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n',
		);
		expect(hpm(["init", "--registry", "registry"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		writePackage(path.join(dir, "tok_fast"), "tok-fast");
		expect(
			hpm(["registry", "group", "add", "tokenizer", "--strategy", "1-of-N"], { cwd: dir, env: uvEnv() }).code,
		).toBe(0);
		const added = hpm(["registry", "add", "--path", "tok_fast", "--group", "tokenizer"], { cwd: dir, env: uvEnv() });
		expect(added.code, added.stderr).toBe(0);

		const bare = hpm(["why-not", "tok-fast"], { cwd: dir, env: uvEnv() });
		const nonsense = hpm(["why-not", "what"], { cwd: dir, env: uvEnv() });

		expect(bare.code).toBe(2);
		expect(bare.stderr).toBe(
			'error: expected GROUP=OPTION, got "tok-fast"\nhint: did you mean `hpm why-not tokenizer=tok-fast`?\n',
		);
		expect(nonsense.code).toBe(2);
		expect(nonsense.stderr).toBe(
			'error: expected GROUP=OPTION, got "what"\nhint: for example: hpm why-not tokenizer=tok-fast\n',
		);
		// an empty registry has no example to give, and invents none
		rmSync(path.join(dir, "registry/packages/tok-fast.yaml"));
		writeFileSync(
			path.join(dir, "registry/groups/tokenizer.yaml"),
			'name: "tokenizer"\nstrategy: "1-of-N"\noptions: []\n',
		);
		const empty = hpm(["why-not", "what"], { cwd: dir, env: uvEnv() });
		expect(empty.stderr).toContain("hint: this registry has no group with options yet");
		expect(empty.stderr).not.toMatch(/vlm|metric/);
	});

	it("a failed sync keeps uv's reasons and drops uv's hint about a flag hpm does not have", () => {
		const dir = copyExample();
		expect(hpm(["group", "add", "metrics", "--option", "metric-legacy"], { cwd: dir, env: uvEnv() }).code).toBe(0);

		const sync = hpm(["sync"], { cwd: dir, env: uvEnv() });

		expect(sync.code).toBe(1);
		expect(sync.stderr).toContain("cause: Because only vlm-interface>=0.1 is available");
		expect(sync.stderr).not.toContain("--frozen");
		expect(sync.stderr).not.toMatch(/hint: If you want/);
		// and says check's proven verdict, not uv's words
		expect(sync.stderr).toContain(
			"error: uv add failed: inference=vlm-adapter-qwen conflicts with metrics=metric-legacy: metric-legacy needs vlm-interface<0.1",
		);
	});

	it("help and behaviour agree on how group add takes several options", () => {
		const dir = copyExample();
		const help = hpm(["--help"], { cwd: dir });
		expect(help.stdout).toContain("group add GROUP --option NAME [--option NAME]...");
		expect(hpm(["help", "group", "add"], { cwd: dir }).stdout).toContain(
			"hpm group add GROUP --option NAME [--option NAME]...",
		);
		// repeated, or with commas, as the help says
		expect(
			hpm(["group", "add", "metrics", "--option", "metric-rouge", "--option", "metric-legacy"], { cwd: dir }).code,
		).toBe(0);
		expect(hpm(["group", "remove", "metrics", "--option", "metric-legacy"], { cwd: dir }).code).toBe(0);
		expect(hpm(["group", "add", "metrics", "--option", "metric-legacy,metric-rouge"], { cwd: dir }).code).toBe(0);
		// two names after one --option is not what the help shows: refused with the command meant
		expect(hpm(["group", "remove", "metrics", "--option", "metric-legacy"], { cwd: dir }).code).toBe(0);
		const words = hpm(["group", "add", "metrics", "--option", "metric-legacy", "metric-rouge"], { cwd: dir });
		expect(words.code).toBe(2);
		expect(words.stderr).toContain("hint: hpm group add metrics --option metric-legacy --option metric-rouge");
	});

	it("every command's usage names only flags it has, as README's table does, and no `--flag NAME...`", () => {
		const dir = copyExample();
		const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
		const commands = JSON.parse(hpm(["help", "--json"], { cwd: dir }).stdout).commands as {
			name: string;
			synopsis: string;
		}[];
		expect(commands.length).toBeGreaterThan(20);
		const rows = [...readme.matchAll(/^\| `hpm ([^`]+)`/gm)].map((m) => (m[1] ?? "").replace(/\\\|/g, "|"));
		expect(rows.length).toBeGreaterThan(15);
		for (const { name, synopsis } of commands) {
			const help = JSON.parse(hpm([...name.split(" "), "--help", "--json"], { cwd: dir }).stdout) as {
				usage: string;
				flags: { name: string; short?: string }[];
			};
			const flags = new Set(help.flags.flatMap((f) => [f.name, ...(f.short ? [f.short] : [])]));
			const row = rows.find((r) => r === name || r.startsWith(`${name} `));
			for (const line of [synopsis, help.usage, ...(row ? [row] : [])]) {
				for (const flag of line.match(/--[a-z][\w-]*/g) ?? []) expect(flags, `${name}: ${line}`).toContain(flag);
				// several values are a repeated flag, never several words after one flag
				expect(line, name).not.toMatch(/--[\w-]+ [A-Z][A-Z_|]*\.\.\./);
			}
			expect(help.usage.startsWith(`hpm ${name}`), help.usage).toBe(true);
			// every command is in README, in its table or its own section
			expect(readme, name).toContain(`hpm ${name}`);
		}
		for (const row of rows.filter((r) => !r.startsWith("help")))
			expect(
				commands.some((c) => row === c.name || row.startsWith(`${c.name} `)),
				row,
			).toBe(true);
	});

	// ~200 hpm runs in sequence (three per command): minutes on a loaded 2-core machine, not the default minute
	it(
		"exit codes follow README's table: every command's usage and input errors exit 2 with a JSON error",
		{ timeout: 300_000 },
		() => {
			const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
			expect(readme).toMatch(
				/Exit codes: \*\*0\*\* ok, \*\*1\*\* a check found a problem[^*]*\*\*2\*\* usage or input\s+error/,
			);
			const dir = copyExample();
			// one history entry, so that #99 is an entry that is not there (not an empty history)
			expect(hpm(["group", "add", "metrics", "--option", "metric-rouge"], { cwd: dir, env: uvEnv() }).code).toBe(0);
			const commands = JSON.parse(hpm(["help", "--json"], { cwd: dir }).stdout).commands as { name: string }[];
			const wrong: (readonly string[])[] = [];
			for (const { name } of commands) {
				const words = name.split(" ");
				wrong.push([...words, "--no-such-flag"]);
				// one positional argument more than the usage allows (group add reads words as options)
				const usage = JSON.parse(hpm([...words, "--help", "--json"], { cwd: dir }).stdout).usage as string;
				const positionals = usage
					.replace(/^hpm /, "")
					.split(" ")
					.slice(words.length)
					.filter((w) => /^\[?[A-Z][A-Z=_]*\]?$/.test(w) || /^[a-z]+\|/.test(w)).length;
				// a command that runs another (`hpm run -- CMD [ARGS]...`) takes any number of words
				if (!usage.endsWith("[ARGS]..."))
					wrong.push([...words, ...Array.from({ length: positionals + 1 }, (_, i) => `word${i}`)]);
			}
			const inputErrors: (readonly string[])[] = [
				["rollback", "99"],
				["diff", "99"],
				["diff", "x"],
				["show", "nosuch"],
				["why-not", "nosuch=x"],
				["why-not", "metrics=nosuch"],
				["why-not", "nonsense"],
				["group", "add", "nosuch", "--option", "x"],
				["group", "add", "metrics", "--option", "nosuch"],
				["group", "remove", "nosuch"],
				["mode", "Bad!"],
				["mode", "staging"],
				["install", "--manifest", "nosuch.yaml"],
				["completion", "tcsh"],
				["registry", "group", "add", "x", "--strategy", "bogus"],
				["registry", "update"],
				["graph", "--format", "bogus"],
				["check", "--combination", "bogus"],
				["check", "--all"],
				["sync", "--upgrade-package", "nosuch"],
				["search"],
				["ui"],
				["nosuch-command"],
			];
			const before = snapshot(dir);
			for (const args of [...wrong, ...inputErrors]) {
				const text = hpm(args, { cwd: dir, env: uvEnv() });
				expect(text.code, `hpm ${args.join(" ")}: ${text.stderr}`).toBe(2);
				expect(text.stderr, args.join(" ")).toMatch(/^error: /);
				const json = hpm([...args, "--json"], { cwd: dir, env: uvEnv() });
				expect(json.code, `hpm ${args.join(" ")} --json`).toBe(2);
				expect(JSON.parse(json.stdout).error.message, args.join(" ")).toEqual(expect.any(String));
			}
			expect(snapshot(dir)).toEqual(before);
			// nothing to roll back to is an input error too
			const fresh = copyExample();
			expect(hpm(["rollback"], { cwd: fresh, env: uvEnv() }).code).toBe(2);
			expect(hpm(["diff", "3"], { cwd: fresh, env: uvEnv() }).code).toBe(2);
		},
	);

	it("--json gives one JSON document on every command that prints results, and completion says it cannot", () => {
		const dir = copyExample();
		const env = uvEnv();
		const json = (args: readonly string[], code = 0) => {
			const result = hpm([...args, "--json"], { cwd: dir, env });
			expect(result.code, `hpm ${args.join(" ")} --json: ${result.stdout}${result.stderr}`).toBe(code);
			return JSON.parse(result.stdout) as Record<string, unknown>;
		};
		expect(json(["list"])).toHaveProperty("groups");
		expect(json(["show", "metrics"])).toHaveProperty("kind", "group");
		expect(json(["search", "bleu"])).toHaveProperty("results");
		expect(json(["check"])).toHaveProperty("ok", true);
		expect(json(["sync"])).toHaveProperty("changed", true);
		expect(json(["group", "add", "metrics", "--option", "metric-rouge"])).toBeTypeOf("object");
		expect(json(["group", "remove", "metrics", "--option", "metric-rouge"])).toBeTypeOf("object");
		expect(json(["install", "--manifest", "registry/packages/metric-rouge.yaml"])).toHaveProperty("installed");
		expect(json(["mode"])).toHaveProperty("offered");
		expect(json(["mode", "dev"])).toHaveProperty("changed", true);
		expect(json(["mode", "prod"])).toHaveProperty("changed", true);
		expect(json(["history"])).toHaveProperty("entries");
		expect(json(["diff"])).toHaveProperty("entry");
		expect(json(["rollback"])).toHaveProperty("changed");
		expect(json(["graph"])).toHaveProperty("groups");
		expect(json(["graph", "--format", "dot"])).toMatchObject({
			format: "dot",
			text: expect.stringMatching(/^digraph/),
		});
		expect(json(["graph", "--format", "mermaid"])).toHaveProperty("format", "mermaid");
		expect(json(["why", "metric-bleu"])).toHaveProperty("chains");
		expect(json(["why-not", "inference=vlm-adapter-deepseek"])).toHaveProperty("reasons");
		expect(json(["registry", "lint"])).toHaveProperty("ok", true);
		expect(json(["registry", "group", "add", "tokenizer", "--strategy", "1-of-N"])).toBeTypeOf("object");
		writePackage(path.join(dir, "packages/tok_fast"), "tok-fast");
		expect(json(["registry", "add", "--path", "packages/tok_fast", "--group", "tokenizer"])).toBeTypeOf("object");
		expect(json(["registry", "update"], 2)).toHaveProperty("error");
		expect(json(["init"])).toHaveProperty("done");
		expect(json(["help"])).toHaveProperty("commands");
		const completion = hpm(["completion", "bash", "--json"], { cwd: dir, env });
		expect(completion.code).toBe(2);
		expect(JSON.parse(completion.stdout)).toEqual({
			error: {
				code: "usage",
				message: "hpm completion prints a shell script, which has no JSON form",
				hint: "run it without --json: hpm completion bash",
			},
		});
	}, 120_000);

	it("group add on a group with nothing loadable to choose from says why, never 'choose from: ' and nothing", () => {
		const dir = copyExample();
		// a group whose only option's manifest does not load
		registerPackage(dir, "name: [\n", "tok-broken");
		writeFileSync(
			path.join(dir, "registry/groups/tokenizer.yaml"),
			'name: "tokenizer"\nstrategy: "1-of-N"\noptions:\n  - name: "tok-broken"\n',
		);
		const manifest = path.join(dir, "registry/packages/tok-broken.yaml");
		const reason = `the manifest of its option tok-broken (${manifest}:2:1: YAML syntax error`;

		const named = hpm(["group", "add", "tokenizer", "--option", "tok-fast"], { cwd: dir, env: uvEnv() });
		const unnamed = hpm(["group", "add", "tokenizer"], { cwd: dir, env: uvEnv() });

		expect(named.code).toBe(2);
		expect(named.stderr).toContain('error: "tok-fast" is not an option of group "tokenizer"\n');
		expect(named.stderr).toContain(`hint: group "tokenizer" has no option that loads: ${reason}`);
		expect(unnamed.code).toBe(2);
		expect(unnamed.stderr).toContain('error: group "tokenizer" has nothing to choose from\n');
		expect(unnamed.stderr).toContain(reason);
		for (const said of [named.stderr, unnamed.stderr]) expect(said).not.toMatch(/(choose from|options): *(\n|$)/);
		// a group with no options at all says it has none yet, and how to add one
		writeFileSync(
			path.join(dir, "registry/groups/tokenizer.yaml"),
			'name: "tokenizer"\nstrategy: "1-of-N"\noptions: []\n',
		);
		const empty = hpm(["group", "add", "tokenizer", "--option", "x"], { cwd: dir, env: uvEnv() });
		expect(empty.stderr).toContain(
			'hint: group "tokenizer" has no options yet: `hpm registry add --group tokenizer ...` adds one\n',
		);
	});

	it("list names each registry file it left out, with the reason", () => {
		const dir = copyExample();
		writeFileSync(path.join(dir, "registry/packages/metric-garbage.yaml"), "name: [\n");
		writeFileSync(path.join(dir, "registry/groups/tools.yaml"), 'name: "tools"\nstrategy: "3-of-N"\noptions: []\n');

		const list = hpm(["list"], { cwd: dir });

		expect(list.code).toBe(0);
		expect(list.stderr).toMatch(/^warning: 2 registry files could not be loaded and were left out: /);
		expect(list.stderr).toContain(`${path.join(dir, "registry/packages/metric-garbage.yaml")}:2:1: YAML syntax error`);
		expect(list.stderr).toContain(`${path.join(dir, "registry/groups/tools.yaml")}:2:`);
		expect(list.stderr).toContain("`hpm registry lint` lists them");
	});
});

#!/usr/bin/env node
// Output A/B of two builds of hpm: `npm run ab -- [BASE_REF] [--speed] [--only S] [--out DIR] [--verbose]`.
// Builds this working tree (`npm run build`) and BASE_REF (default 73dad1d, where issue 27's
// restructuring started) in a temporary `git worktree`, runs the same invocations with both in
// scratch copies of fixed inputs (the bundled example, a generated 600-package registry, small
// broken projects), and compares stdout, stderr and exit code byte for byte after normalising only
// what differs from run to run (temporary paths, durations, timestamps, pids). It reports; it
// exits 0 whatever differs (2 only when the harness itself breaks). `--speed` instead times both
// builds interleaved with bench/compare.mjs. Everything lives in one private temporary folder,
// removed at the end (the worktree too).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTwoFilesPatch } from "diff";
import { BIN, cpSync, EXAMPLE, generateRegistry, hermetic, ROOT, UV, writePackage } from "./lib.mjs";

const USAGE =
	"usage: node bench/ab.mjs [BASE_REF] [--only SCENARIO[,SCENARIO]] [--out DIR] [--verbose] [--no-build]\n" +
	"       node bench/ab.mjs [BASE_REF] --speed [--only B1[,B2...]]   (RUNS=N for more runs)";
const argv = process.argv.slice(2);
const VALUED = ["--out", "--only"];
const valueOf = (flag) => {
	const index = argv.indexOf(flag);
	return index === -1 ? undefined : (argv[index + 1] ?? "");
};
const flags = new Set(argv.filter((a) => a.startsWith("--")));
const outDir = valueOf("--out") === undefined ? undefined : path.resolve(valueOf("--out"));
const onlyScenarios = valueOf("--only")?.split(",").filter(Boolean);
const positionals = argv.filter((a, i) => !a.startsWith("--") && !VALUED.includes(argv[i - 1]));
for (const flag of flags)
	if (!["--speed", "--verbose", "--no-build", "--help", ...VALUED].includes(flag)) {
		console.error(`unknown flag ${flag}\n${USAGE}`);
		process.exit(2);
	}
if (flags.has("--help") || positionals.length > 1) {
	console.log(USAGE);
	process.exit(flags.has("--help") ? 0 : 2);
}
const baseRef = positionals[0] ?? "73dad1d";
const node = process.execPath;

// One private folder for everything: the base worktree, both sides' scratch copies, caches and
// TMPDIRs (hpm's and uv's own temporary files land there too), removed at the end.
const outer = realpathSync(tmpdir());
const root = mkdtempSync(path.join(outer, "hpm-ab-"));
const baseTree = path.join(root, "base");
let worktreeAdded = false;
let cleaned = false;
function cleanUp() {
	if (cleaned) return;
	cleaned = true;
	if (worktreeAdded) {
		spawnSync("git", ["worktree", "remove", "--force", baseTree], { cwd: ROOT, stdio: "ignore" });
		spawnSync("git", ["worktree", "prune"], { cwd: ROOT, stdio: "ignore" });
	}
	// a file left read-only (by uv, git or a build) must not stop the removal
	spawnSync("chmod", ["-R", "u+rwX", root], { stdio: "ignore" });
	rmSync(root, { recursive: true, force: true });
}
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"])
	process.on(signal, () => {
		cleanUp();
		process.exit(signal === "SIGINT" ? 130 : 143);
	});

/** Runs a step of the harness itself; a failure here is the harness breaking (exit 2). */
function must(command, args, options = {}) {
	const result = spawnSync(command, args, { encoding: "utf8", ...options });
	if (result.status !== 0)
		throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stderr ?? ""}`);
	return result.stdout ?? "";
}

function describeTree() {
	const head = must("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT }).trim();
	const dirty = must("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT }).trim() !== "";
	return `${head}${dirty ? " + uncommitted changes" : ""}`;
}

/** Builds this working tree and `ref` (in a temporary worktree); returns both launchers. */
function buildBoth(ref) {
	const sha = must("git", ["rev-parse", "--verify", "--short", `${ref}^{commit}`], { cwd: ROOT }).trim();
	if (!flags.has("--no-build"))
		must("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
	must("git", ["worktree", "add", "--detach", "--quiet", baseTree, sha], { cwd: ROOT });
	worktreeAdded = true;
	// the same dependencies, without a download: hard links (never written through: the build writes dist/)
	must("cp", ["-al", path.join(ROOT, "node_modules"), path.join(baseTree, "node_modules")]);
	must(node, ["scripts/build.mjs"], { cwd: baseTree, stdio: ["ignore", "ignore", "pipe"] });
	return { base: { label: `base ${ref} (${sha})`, bin: path.join(baseTree, "dist/hpm.js") }, sha };
}

function main() {
	// with --speed, --only names benches (B1 ... B6) for bench/compare.mjs
	const names = flags.has("--speed") ? ["B1", "B2", "B3", "B4", "B5", "B6"] : scenarios([]).map((s) => s.name);
	const unknown = (onlyScenarios ?? []).filter((name) => !names.includes(name));
	if (unknown.length > 0) throw new Error(`no scenario ${unknown.join(", ")} (there are ${names.join(", ")})`);
	const { base, sha } = buildBoth(baseRef);
	const current = { label: `this tree (${describeTree()})`, bin: BIN };
	if (flags.has("--speed")) {
		// bench/compare.mjs times the commands; its temporary folders go in ours
		const tmp = path.join(root, "tmp-speed");
		mkdirSync(tmp);
		const result = spawnSync(node, [path.join(ROOT, "bench/compare.mjs"), base.bin, ...(onlyScenarios ?? [])], {
			stdio: "inherit",
			env: { ...process.env, TMPDIR: tmp },
		});
		if (result.status !== 0) throw new Error(`bench/compare.mjs exited ${result.status ?? result.signal}`);
		return;
	}
	console.log(`hpm output A/B: ${base.label} vs ${current.label}`);
	const inputs = prepareInputs();
	const sides = [
		{ name: "a", ...base },
		{ name: "b", ...current },
	].map((side) => ({ ...side, env: sideEnv(side.name) }));
	warmUvCache(sides[1], inputs);
	const commands = commandNames(current.bin, sides[1].env);
	let total = 0;
	let same = 0;
	const differences = [];
	for (const scenario of scenarios(commands).filter(
		(s) => onlyScenarios === undefined || onlyScenarios.includes(s.name),
	)) {
		const runs = sides.map((side) => runScenario(scenario, side, inputs));
		scenario.steps.forEach((step, index) => {
			total++;
			const [a, b] = runs.map((results) => results[index]);
			const name = `${scenario.name}: hpm ${step.args.join(" ")}${step.cwd ? `  (in ${step.cwd})` : ""}`;
			const differs = ["stdout", "stderr", "code"].filter((key) => a[key] !== b[key]);
			if (outDir) saveOutputs(scenario.name, index, step, a, b);
			if (differs.length === 0) {
				same++;
				if (flags.has("--verbose")) console.log(`  same    ${name}  (exit ${a.code})`);
			} else {
				differences.push({ name, a, b, differs });
				if (flags.has("--verbose")) console.log(`  DIFFERS ${name}`);
			}
		});
	}
	for (const { name, a, b, differs } of differences) {
		console.log(`\n=== differs: ${name}`);
		for (const key of differs) console.log(shortDiff(key, String(a[key]), String(b[key]), base.label, current.label));
	}
	console.log(`\n${total} invocations, ${same} identical, ${differences.length} differ (base ${baseRef} = ${sha})`);
}

/** Fixed inputs, made once and copied per side and scenario. */
function prepareInputs() {
	const dir = path.join(root, "inputs");
	const example = path.join(dir, "example");
	cpSync(EXAMPLE, example, {
		recursive: true,
		filter: (source) => !/[\\/](\.venv|uv\.lock|__pycache__)$/.test(source),
	});
	// a package that is in no registry yet, for `registry add` and `install`
	writePackage(path.join(example, "packages/metric_new"), "metric-new");
	writePackage(path.join(example, "packages/metric_extra"), "metric-extra");
	mkdirSync(path.join(example, "extra"));
	writeFileSync(
		path.join(example, "extra/metric-extra.yaml"),
		'name: "metric-extra"\nversion: "0.1.0"\ndescription: "installed from a manifest outside the registry"\nsources:\n  prod:\n    type: "local"\n    path: "../packages/metric_extra"\n',
	);
	// deterministic (no randomness at all): the same 600 packages in 60 M-of-N groups every run
	const big = path.join(dir, "big");
	mkdirSync(big);
	generateRegistry(big, 600, 60);
	const empty = path.join(dir, "empty");
	mkdirSync(empty);
	const noRegistry = path.join(dir, "no-registry");
	mkdirSync(noRegistry);
	writeFileSync(
		path.join(noRegistry, "pyproject.toml"),
		'[project]\nname = "lonely"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm.groups]\ninference = "vlm-adapter-qwen"\n',
	);
	const malformed = path.join(dir, "malformed");
	cpSync(example, malformed, { recursive: true });
	writeFileSync(
		path.join(malformed, "pyproject.toml"),
		'[project]\nname = "hpm-demo"\nversion = "0.1.0"\ndependencies = [\n\n[tool.hpm.groups]\ninference = "vlm-adapter-qwen"\n',
	);
	const badRegistry = path.join(dir, "bad-registry");
	cpSync(example, badRegistry, { recursive: true });
	writeFileSync(path.join(badRegistry, "registry/packages/metric-bleu.yaml"), 'name: "metric-bleu"\nversion: [1, 2\n');
	writeFileSync(
		path.join(badRegistry, "registry/packages/stray.yaml"),
		'name: "stray"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/nowhere"\n',
	);
	const badChoice = path.join(dir, "bad-choice");
	cpSync(example, badChoice, { recursive: true });
	writeFileSync(
		path.join(badChoice, "pyproject.toml"),
		'[project]\nname = "hpm-demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nmode = "prod"\n\n[tool.hpm.groups]\ninference = ["vlm-adapter-qwen", "vlm-adapter-deepseek"]\nmetrics = ["metric-legacy", "metric-nope"]\nnogroup = "x"\n',
	);
	return { example, big, empty, noRegistry, malformed, badRegistry, badChoice };
}

/** Hermetic settings, as the tests use (test/helpers/uv.ts uvEnv), each side its own caches and TMPDIR. */
function sideEnv(name) {
	const tmp = path.join(root, `tmp-${name}`);
	const cache = path.join(root, `cache-${name}`);
	mkdirSync(tmp);
	mkdirSync(cache);
	const env = hermetic({
		UV_LINK_MODE: "copy",
		UV_CACHE_DIR: path.join(root, "uv-cache"),
		HPM_CACHE_DIR: cache,
		TMPDIR: tmp,
		COLUMNS: "100",
		LINES: "30",
		PATH: `${path.dirname(UV)}${path.delimiter}${process.env.PATH ?? ""}`,
	});
	// nothing of the caller's hpm or uv settings (HPM_DEBUG, UV_INDEX_URL, ...) leaks in
	for (const key of Object.keys(env))
		if (/^(HPM_|UV_)/.test(key) && !(key in HERMETIC_KEYS) && key !== "HPM_CACHE_DIR" && key !== "HPM_UV")
			delete env[key];
	for (const key of ["FORCE_COLOR", "CI", "NODE_EXTRA_CA_CERTS"]) delete env[key];
	return env;
}
const HERMETIC_KEYS = { UV_PYTHON_DOWNLOADS: 1, UV_OFFLINE: 1, UV_NO_CONFIG: 1, UV_LINK_MODE: 1, UV_CACHE_DIR: 1 };

/** The private uv cache, prepared once before anything is compared (interpreter facts, build backend). */
function warmUvCache(side, inputs) {
	const dir = path.join(root, "warm");
	cpSync(inputs.example, dir, { recursive: true });
	must(node, [side.bin, "sync"], { cwd: dir, env: side.env });
	rmSync(dir, { recursive: true, force: true });
}

/** Every command's words, as this build's `hpm --help --json` lists them. */
function commandNames(bin, env) {
	return JSON.parse(must(node, [bin, "--help", "--json"], { cwd: root, env })).commands.map((c) => c.name);
}

/**
 * The invocations. Each scenario starts from a fresh copy of its input, per side; its steps run
 * in order in that copy (a later step sees what an earlier one wrote).
 */
function scenarios(commands) {
	const steps = (...list) => list.map((args) => (Array.isArray(args) ? { args } : args));
	const withJson = (...list) => list.flatMap((args) => [args, [...args, "--json"]]);
	const help = [
		[],
		["--help"],
		["--help", "--json"],
		["help"],
		["--version"],
		["--version", "--json"],
		["group", "--help"],
		["registry", "--help"],
		["registry", "group", "--help", "--json"],
		...commands.flatMap((name) => [
			[...name.split(" "), "--help"],
			[...name.split(" "), "--help", "--json"],
		]),
		["help", "sync"],
		["help", "registry", "add"],
	];
	const example = "example";
	return [
		{ name: "help", input: example, steps: steps(...help) },
		{
			name: "read",
			input: example,
			steps: steps(
				...withJson(
					["list"],
					["show", "inference"],
					["show", "metrics"],
					["show", "metric-bleu"],
					["show", "vlm-interface"],
					["show", "nosuch"],
					["search", "metric"],
					["search", "zzz"],
					["why", "vlm-interface"],
					["why-not", "inference=vlm-adapter-deepseek"],
					["why-not", "metrics=metric-legacy"],
					["graph"],
					["graph", "--format", "text"],
					["graph", "--format", "json"],
					["graph", "--format", "dot"],
					["graph", "--format", "mermaid"],
					["graph", "--format", "svg"],
					["registry", "lint"],
					["registry", "lint", "--strict"],
					["mode"],
					["history"],
					["diff"],
					["check"],
					["check", "--strict"],
					["check", "--combination", "inference=vlm-adapter-deepseek,metrics=metric-bleu+metric-rouge"],
					["check", "--combination", "inference=vlm-adapter-qwen,metrics=metric-legacy"],
					// one worker: the order of the progress lines is then fixed
					["check", "--matrix", "--jobs", "1"],
					["check", "--matrix", "--pairwise", "--jobs", "1"],
					["check", "--matrix", "--all", "--jobs", "1"],
					["check", "--matrix", "--format", "github"],
					["check", "--matrix", "--format", "gitlab"],
					["check", "--all"],
					["check", "--matrix", "--combination", "inference=vlm-adapter-qwen"],
					["sync", "--dry-run"],
					["sync", "--dry-run", "--mode", "dev"],
					["registry", "update", "--dry-run"],
					["ui"],
				),
				["completion", "bash"],
				["completion", "zsh"],
				["completion", "fish"],
				["completion", "tcsh"],
				["completion", "bash", "--json"],
				["__complete", "group", "add", "inference", "--option", ""],
				["__complete", "show", "met"],
				["list", "--no-color"],
				["list", "-p", "."],
				["list", "-r", "registry"],
				{ args: ["list"], cwd: "packages/metric_bleu" },
			),
		},
		{
			name: "write",
			input: example,
			steps: steps(
				["sync"],
				["sync", "--json"],
				["check"],
				["check", "--json"],
				...withJson(["why", "vlm-interface"], ["why", "metric-bleu"], ["why", "metric-rouge"], ["list"]),
				["group", "add", "metrics", "--option", "metric-rouge"],
				["group", "add", "metrics", "--option", "metric-rouge", "--json"],
				["group", "add", "inference", "--option", "vlm-adapter-deepseek", "--json"],
				["group", "add", "inference", "--option", "vlm-adapter-qwen"],
				["group", "add", "inference", "qwen"],
				["group", "add", "nosuch", "--option", "x"],
				["group", "add", "metrics", "--option", "nosuch"],
				["group", "add", "metrics", "--option", ""],
				["group", "add", "inference"],
				["sync", "--dry-run"],
				["sync"],
				["group", "remove", "metrics", "--option", "metric-rouge"],
				["group", "remove", "metrics", "--option", "metric-rouge", "--json"],
				["sync", "--json"],
				["history"],
				["history", "--json"],
				["diff", "1"],
				["diff", "1", "--json"],
				["diff", "99"],
				["rollback", "1"],
				["rollback", "--json"],
				["rollback", "99"],
				["history"],
				["mode", "dev"],
				["mode", "--json"],
				["sync", "--dry-run"],
				["mode", "prod", "--json"],
				["mode", "nosuch"],
				["sync", "--upgrade", "--dry-run"],
				["sync", "--upgrade-package", "metric-bleu", "--dry-run", "--json"],
				["group", "remove", "metrics"],
				["check"],
				["group", "add", "metrics", "--option", "metric-bleu,metric-legacy"],
				["check"],
				["check", "--json"],
				["sync"],
				["group", "remove", "metrics", "--option", "metric-legacy"],
				["registry", "add", "--path", "packages/metric_new", "--group", "metrics"],
				["registry", "add", "--path", "packages/metric_new", "--group", "metrics", "--json"],
				["registry", "add", "--type", "git", "--name", "far", "--url", "https://example.com/far.git", "--tag", "v1"],
				[
					"registry",
					"add",
					"--name",
					"far",
					"--version",
					"1.0.0",
					"--url",
					"https://example.com/far.git",
					"--tag",
					"v1",
					"--json",
				],
				["show", "far", "--json"],
				["registry", "add", "--requirement", "requests>=2,<3", "--json"],
				["registry", "add"],
				["registry", "add", "--path", "packages/nowhere"],
				["registry", "group", "add", "extras", "--strategy", "M-of-N", "--option", "metric-new"],
				["registry", "group", "add", "more", "--strategy", "1-of-N", "--json"],
				["registry", "group", "add", "bad", "--strategy", "2-of-N"],
				["registry", "lint"],
				["registry", "lint", "--json"],
				["group", "add", "extras", "--option", "metric-new"],
				["sync"],
				["list", "--json"],
				["install", "--manifest", "extra/metric-extra.yaml"],
				["why", "metric-extra"],
				["install", "--manifest", "extra/nowhere.yaml", "--json"],
				["history", "--json"],
			),
		},
		{
			name: "init",
			input: "empty",
			steps: steps(["init"], ["init", "--json"], ["list"], ["registry", "lint", "--json"], ["check"]),
		},
		{
			name: "init-json",
			input: "empty",
			steps: steps(["init", "--registry", "shared", "--json"], ["list", "--json"]),
		},
		{
			name: "errors",
			input: example,
			steps: steps(
				...withJson(
					["frobnicate"],
					["lisst"],
					["list", "--bogus"],
					["list", "--formt", "x"],
					["show"],
					["show", "a", "b"],
					["graph", "--format"],
					["check", "--jobs", "2"],
					["check", "--matrix", "--jobs", "zero", "--format", "github"],
					["sync", "--upgrade", "--upgrade-package", ""],
					["list", "--registry", "nowhere"],
					["list", "--registry", ""],
					["list", "--project", "nowhere"],
					["group"],
					["registry"],
				),
			),
		},
		{
			name: "no-project",
			input: "empty",
			steps: steps(
				...withJson(["list"], ["sync"], ["check"], ["mode"], ["history"], ["group", "add", "a", "--option", "b"]),
			),
		},
		{
			name: "missing-registry",
			input: "noRegistry",
			steps: steps(...withJson(["list"], ["show", "inference"], ["check"], ["sync"], ["registry", "lint"], ["graph"])),
		},
		{
			name: "malformed-pyproject",
			input: "malformed",
			steps: steps(
				...withJson(
					["list"],
					["check"],
					["sync"],
					["mode", "dev"],
					["group", "add", "metrics", "--option", "metric-rouge"],
				),
			),
		},
		{
			name: "bad-registry",
			input: "badRegistry",
			steps: steps(...withJson(["registry", "lint"], ["list"], ["check"], ["graph"], ["show", "metric-bleu"])),
		},
		{
			name: "bad-choice",
			input: "badChoice",
			steps: steps(...withJson(["list"], ["check"], ["sync", "--dry-run"], ["why-not", "metrics=metric-rouge"])),
		},
		{
			name: "big",
			input: "big",
			steps: steps(
				...withJson(
					["list"],
					["search", "pkg-17"],
					["show", "pkg-5-3"],
					["show", "group-0005"],
					["why-not", "group-0002=pkg-2-0"],
					["graph"],
					["graph", "--format", "dot"],
					["graph", "--format", "mermaid"],
					["registry", "lint"],
					["check", "--matrix", "--format", "github"],
					["sync", "--dry-run"],
				),
				["group", "add", "group-0002", "--option", "pkg-2-1", "--json"],
				["group", "add", "group-0002", "--option", "pkg-2-3,pkg-2-4"],
				["list", "--json"],
				["group", "remove", "group-0002", "--option", "pkg-2-3"],
				["group", "remove", "group-0001"],
				["list"],
			),
		},
	];
}

function runScenario(scenario, side, inputs) {
	const dir = path.join(root, side.name, scenario.name);
	cpSync(inputs[scenario.input], dir, { recursive: true });
	return scenario.steps.map((step) => {
		const result = spawnSync(node, [side.bin, ...step.args], {
			cwd: path.join(dir, step.cwd ?? ""),
			env: side.env,
			input: "",
			timeout: 300_000,
			maxBuffer: 256 * 2 ** 20,
		});
		if (result.error && result.error.code !== "ETIMEDOUT") throw result.error;
		return {
			stdout: normalise(result.stdout.toString("utf8"), side.name),
			stderr: normalise(result.stderr.toString("utf8"), side.name),
			code: result.status === null ? `signal ${result.signal}` : result.status,
		};
	});
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Only what legitimately differs from run to run: where the scratch copies and temporary files
 * are, how long things took, when, which process. Everything else must be the same bytes.
 */
function normalise(text, side) {
	const r = escape(root);
	let out = text
		// a temporary folder hpm or uv made (under the side's TMPDIR): a random name
		.replace(new RegExp(`${r}/tmp-${side}/[^/\\s"'\`),:;]+`, "g"), "<tmp>")
		.replace(new RegExp(`${r}/${side}(?=/)`, "g"), "<tmp>")
		.replace(new RegExp(`${r}/cache-${side}\\b`, "g"), "<hpm-cache>")
		.replace(new RegExp(`${r}/uv-cache\\b`, "g"), "<uv-cache>")
		// where each build is (only a launcher path, e.g. in a completion script)
		.replace(new RegExp(escape(path.dirname(path.dirname(BIN))), "g"), "<hpm>")
		.replace(new RegExp(`${escape(baseTree)}`, "g"), "<hpm>")
		.replace(new RegExp(`${escape(outer)}/[^/\\s"'\`),:;]+`, "g"), "<tmp>");
	out = out
		// timestamps: ISO 8601, and history's `2026-12-07 21:35:04Z`
		.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, "<time>")
		.replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?Z?/g, "<time>")
		// durations and rates: `12ms`, `0.3 s`, `(3.37/s)`, a JSON "seconds"/"perSecond"
		.replace(/\b\d+(?:\.\d+)?\/s\b/g, "<t>/s")
		.replace(/\b\d+(?:\.\d+)?\s?(?:ms|s|µs)\b/g, "<t>")
		.replace(/"(seconds|perSecond)": -?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g, '"$1": "<t>"')
		// process ids
		.replace(/\bpid \d+/g, "pid <pid>");
	return sortParallelLines(out);
}

/** uv builds packages in parallel: the order of its `Building`/`Built` lines is not fixed. */
function sortParallelLines(text) {
	const lines = text.split("\n");
	const parallel = (line) => /^\s*(Building|Built|Downloading|Downloaded) /.test(line);
	for (let i = 0; i < lines.length;) {
		if (!parallel(lines[i])) {
			i++;
			continue;
		}
		let end = i;
		while (end < lines.length && parallel(lines[end])) end++;
		lines.splice(i, end - i, ...lines.slice(i, end).sort());
		i = end;
	}
	return lines.join("\n");
}

function shortDiff(key, a, b, baseLabel, thisLabel) {
	if (key === "code") return `exit code: ${a} (base) vs ${b} (this)`;
	const patch = createTwoFilesPatch(`${key} ${baseLabel}`, `${key} ${thisLabel}`, a, b, "", "", { context: 2 });
	const lines = patch.split("\n").slice(1); // the "===" line says nothing here
	const limit = 40;
	return lines.length > limit
		? [...lines.slice(0, limit), `... ${lines.length - limit} more lines (use --out DIR for the whole outputs)`].join(
				"\n",
			)
		: lines.join("\n").trimEnd();
}

function saveOutputs(scenario, index, step, a, b) {
	const dir = path.join(outDir, scenario);
	mkdirSync(dir, { recursive: true });
	const stem = `${String(index).padStart(3, "0")}-${step.args
		.join("_")
		.replace(/[^A-Za-z0-9=,.+-]+/g, "_")
		.slice(0, 60)}`;
	for (const [side, result] of [
		["base", a],
		["this", b],
	])
		writeFileSync(
			path.join(dir, `${stem}.${side}.txt`),
			`$ hpm ${step.args.join(" ")}\nexit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
		);
}

try {
	main();
} catch (error) {
	console.error(`ab: the harness broke: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 2;
}

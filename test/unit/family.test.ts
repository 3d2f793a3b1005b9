import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { markerText, parseMarker } from "../../source/core/registry/marker.js";
import { loadRegistry } from "../../source/core/registry/load.js";
import { parseMarkedRequirement } from "../../source/core/registry/requirement.js";
import { neverHolds } from "../../source/core/registry/marker-holds.js";
import { tempDir } from "../helpers/run.js";

const canonical = (text: string) => {
	const parsed = parseMarker(text);
	return typeof parsed === "string" ? `error: ${parsed}` : markerText(parsed);
};

describe("environment markers (PEP 508)", () => {
	it("are parsed into a tree and written back canonically", () => {
		expect(canonical("sys_platform=='linux'")).toBe('sys_platform == "linux"');
		expect(
			canonical("sys_platform != 'darwin' and (platform_machine == 'x86_64' or platform_machine == 'aarch64')"),
		).toBe('sys_platform != "darwin" and (platform_machine == "x86_64" or platform_machine == "aarch64")');
		expect(canonical("'linux' in sys_platform")).toBe('"linux" in sys_platform');
		expect(canonical("python_version not in '3.8 3.9'")).toBe('python_version not in "3.8 3.9"');
	});

	it("refuse what is not a marker, with the reason", () => {
		expect(canonical("sys_platform == 'linux")).toMatch(/unterminated string/);
		expect(canonical("extra == 'cu128'")).toMatch(/not a marker variable/);
		expect(canonical("sys_platform == 'linux' and")).toMatch(/missing a variable/);
		expect(canonical("(sys_platform == 'linux'")).toMatch(/not closed/);
		expect(canonical("sys_platform linux")).toMatch(/not a marker variable|missing a comparison/);
		expect(canonical("'a' == 'b'")).toMatch(/compare a variable/);
		expect(canonical("sys_platform == 'linux' ; rm -rf")).toMatch(/character a marker cannot hold/);
		expect(canonical("sys_platform == 'li\\'nux'")).toMatch(/string hpm does not accept|something after/);
	});

	it("in a requirement: re-serialized from the parsed form, never passed as written", () => {
		const parsed = parseMarkedRequirement("Torch_Vision >= 0.22 ;sys_platform=='linux'");
		expect(typeof parsed === "string" ? parsed : parsed.line).toBe('torch-vision>=0.22 ; sys_platform == "linux"');
		expect(parseMarkedRequirement("x @ https://h/x.whl ; sys_platform == 'linux'")).toMatch(/URL/);
		expect(parseMarkedRequirement("x ; extra == 'a'")).toMatch(/marker variable/);
		expect(parseMarkedRequirement("-r x")).toMatch(/must not start with "-"/);
	});
});

function registry(source: string): string {
	const root = tempDir("hpm-family-registry-");
	for (const folder of ["groups", "packages", "indexes"]) mkdirSync(path.join(root, folder));
	writeFileSync(path.join(root, "indexes/cu128.yaml"), 'name: "cu128"\nurl: "https://download.example/whl/cu128"\n');
	writeFileSync(
		path.join(root, "groups/torch-backend.yaml"),
		'name: "torch-backend"\nstrategy: "1-of-N"\nmachine: true\noptions:\n  - name: "torch-cu128"\n',
	);
	writeFileSync(
		path.join(root, "packages/torch-cu128.yaml"),
		`name: "torch-cu128"\nversion: "2.7.1"\nsources:\n  prod:\n${source}`,
	);
	return root;
}

describe("a family in a manifest", () => {
	it("loads: members and marker canonical, the group per-machine", () => {
		const root = registry(
			'    type: "index"\n    requirement: "torch==2.7.1"\n    index: "cu128"\n    marker: "sys_platform != \'darwin\'"\n    family:\n      - "torchvision==0.22.1"\n      - "pytorch-triton-rocm ; sys_platform == \'linux\'"\n',
		);
		const { registry: loaded, problems } = loadRegistry(root);
		expect(problems).toEqual([]);
		expect(loaded.groups.get("torch-backend")?.machine).toBe(true);
		const source = loaded.packages.get("torch-cu128")?.sources.get("prod");
		expect(source).toMatchObject({
			type: "index",
			marker: 'sys_platform != "darwin"',
			family: [
				{ name: "torch", line: "torch==2.7.1" },
				{ name: "torchvision", line: "torchvision==0.22.1" },
				{ name: "pytorch-triton-rocm", line: 'pytorch-triton-rocm ; sys_platform == "linux"' },
			],
		});
	});

	it("refuses a URL member, a repeated name and a bad marker, each at its line", () => {
		const root = registry(
			'    type: "index"\n    requirement: "torch==2.7.1"\n    marker: "platform == \'1\'"\n    family:\n      - "torchvision @ https://x/t.whl"\n      - "TORCH"\n',
		);
		const { problems } = loadRegistry(root);
		const lines = problems.map((p) => `${p.location?.line}: ${p.message}`);
		expect(lines).toEqual([
			expect.stringMatching(/^7: sources.prod.marker names "platform", which is not a marker variable/),
			expect.stringMatching(/^9: sources.prod.family\[0\] must not name a URL/),
			expect.stringMatching(/^10: sources.prod.family\[1\] names "torch", which the family already has/),
			'4: package "torch-cu128" has no sources; add one per mode (e.g. prod)',
		]);
	});
});

describe("replaces: and a family", () => {
	it("an option cannot replace a member of its own family (it would exclude what it installs)", () => {
		const dir = tempDir("hpm-family-replaces-");
		mkdirSync(path.join(dir, "packages"), { recursive: true });
		mkdirSync(path.join(dir, "indexes"), { recursive: true });
		writeFileSync(path.join(dir, "indexes/cpu.yaml"), 'name: "cpu"\nurl: "https://download.pytorch.org/whl/cpu"\n');
		writeFileSync(
			path.join(dir, "packages/torch-cpu.yaml"),
			'name: "torch-cpu"\nversion: "2.5.0"\nreplaces:\n  - "VisionLike"\n  - "opencv-python"\nsources:\n  prod:\n    type: "index"\n    requirement: "torchlike==2.5.0"\n    index: "cpu"\n    family:\n      - "visionlike"\n',
		);
		const { problems } = loadRegistry(dir);
		expect(problems).toEqual([
			expect.objectContaining({
				code: "invalid-value",
				message:
					'replaces: "VisionLike" is what package "torch-cpu" itself installs; an option replaces other distributions',
				location: expect.objectContaining({ line: 4 }),
			}),
		]);
	});
});

describe("a marker that never holds", () => {
	const never = (text: string) => {
		const parsed = parseMarker(text);
		return typeof parsed === "string" ? parsed : neverHolds(parsed);
	};
	it("is false on every common platform and Python; anything left open may hold", () => {
		expect(never("sys_platform == 'linux' and sys_platform == 'darwin'")).toBe(true);
		expect(never("sys_platform == 'linux2'")).toBe(true);
		expect(never("python_version < '3'")).toBe(true);
		expect(never("platform_system == 'Windows' and os_name == 'posix'")).toBe(true);
		expect(never("sys_platform == 'linux'")).toBe(false);
		expect(never("sys_platform != 'darwin' and platform_machine == 'aarch64'")).toBe(false);
		expect(never("python_version >= '3.13' and 'win' in sys_platform")).toBe(false);
		expect(never("python_full_version ~= '3.11.0'")).toBe(false);
		expect(never("platform_release == '6.1'")).toBe(false);
	});
});

import { describe, expect, it } from "vitest";
import { onlyUvEdits } from "../../source/core/project/uv-edits.js";

const base = `[project]
name = "demo"
version = "0.1.0"
dependencies = []

[tool.hpm]
mode = "prod"
`;
const b = (text: string) => Buffer.from(text);

describe("onlyUvEdits: what uv add and uv remove change in pyproject.toml, and nothing else", () => {
	it("a requirement, its bound, a source and an index table are uv's", () => {
		const added = base.replace("dependencies = []", 'dependencies = ["slowpkg"]');
		const bound = `${base.replace("dependencies = []", 'dependencies = ["slowpkg>=1.2.0"]')}
[tool.uv.sources]
slowpkg = { index = "local" }

[[tool.uv.index]]
name = "local"
url = "http://127.0.0.1:1/simple"
explicit = true
`;
		expect(onlyUvEdits(b(base), b(added))).toBe(true);
		expect(onlyUvEdits(b(added), b(bound))).toBe(true);
		expect(onlyUvEdits(b(bound), b(base))).toBe(true);
	});

	it("a person's edit anywhere else is not", () => {
		expect(onlyUvEdits(b(base), b(base.replace('"0.1.0"', '"0.2.0"')))).toBe(false);
		expect(onlyUvEdits(b(base), b(base.replace('mode = "prod"', 'mode = "dev"')))).toBe(false);
		expect(onlyUvEdits(b(base), b(`${base}\n[tool.ruff]\nline-length = 100\n`))).toBe(false);
		expect(onlyUvEdits(b(base), b(`${base}\n[tool.uv]\nprerelease = "allow"\n`))).toBe(false);
	});

	it("a file that is not TOML, or one that appears or goes, is not uv's", () => {
		expect(onlyUvEdits(b(base), b("[project\nname ="))).toBe(false);
		expect(onlyUvEdits(b(base), null)).toBe(false);
		expect(onlyUvEdits(null, b(base))).toBe(false);
		expect(onlyUvEdits(null, null)).toBe(true);
	});
});

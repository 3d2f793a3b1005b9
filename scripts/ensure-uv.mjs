#!/usr/bin/env node
// Makes sure a uv >= 0.9.26 is on PATH before the tests run, installing it from PyPI if not.
import { execFileSync } from "node:child_process";

const MIN = [0, 9, 26];

function uvVersion() {
	try {
		const out = execFileSync("uv", ["self", "version", "--output-format", "json"], {
			encoding: "utf8",
			stdio: ["ignore", "pipe", "ignore"],
		});
		return JSON.parse(out).version;
	} catch {
		return undefined;
	}
}

function atLeast(version) {
	const parts = version.split(/[.+-]/).map(Number);
	for (let i = 0; i < 3; i++) {
		if ((parts[i] ?? 0) !== MIN[i]) return (parts[i] ?? 0) > MIN[i];
	}
	return true;
}

let version = uvVersion();
if (version === undefined || !atLeast(version)) {
	console.log(`uv ${version ?? "not found"}; installing uv>=${MIN.join(".")} from PyPI`);
	execFileSync("python3", ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `uv>=${MIN.join(".")}`], {
		stdio: "inherit",
	});
	try {
		execFileSync("pyenv", ["rehash"], { stdio: "ignore" });
	} catch {
		// not a pyenv machine
	}
	version = uvVersion();
	if (version === undefined) {
		console.error("uv was installed but is not on PATH; add the folder of `python3 -m uv` to PATH");
		process.exit(1);
	}
}
console.log(`uv ${version}`);

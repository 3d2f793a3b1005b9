#!/usr/bin/env node
// Makes sure bash, zsh and fish are installed before the tests run: the completion tests run the
// real shells. On a Debian machine as root (CI) the missing ones are installed with apt-get.
import { execFileSync, spawnSync } from "node:child_process";

const SHELLS = ["bash", "zsh", "fish"];
const missing = SHELLS.filter((shell) => spawnSync("sh", ["-c", `command -v ${shell}`]).status !== 0);
if (missing.length > 0) {
	const root = process.getuid?.() === 0;
	const apt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
	if (!root || !apt) {
		console.error(
			`the completion tests need ${missing.join(" and ")}: install ${missing.length === 1 ? "it" : "them"} (e.g. sudo apt-get install ${missing.join(" ")})`,
		);
		process.exit(1);
	}
	console.log(`installing ${missing.join(", ")} for the completion tests`);
	const run = (args) =>
		execFileSync("apt-get", args, {
			stdio: ["ignore", "ignore", "inherit"],
			env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
		});
	try {
		run(["install", "-y", "--no-install-recommends", ...missing]);
	} catch {
		run(["update"]);
		run(["install", "-y", "--no-install-recommends", ...missing]);
	}
}

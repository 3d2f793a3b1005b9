import { defineCommand } from "../command.js";

export default defineCommand({
	usage: "hpm history [options]",
	description:
		"Lists the project's history, newest first: before each sync, install or rollback that changed pyproject.toml or uv.lock, the pair as it was.\n`hpm diff N` shows what bringing entry N back would change; `hpm rollback N` brings it back. Kept in .hpm/history (ignored by git), the last 30 entries.",
	args: [],
	flags: {},
	run: async ({ locator, cwd, output }) => {
		const [{ requireRoot }, { readableHistory }] = await Promise.all([
			import("../../core/plan/context.js"),
			import("../../core/project/history.js"),
		]);
		const { entries, ignored } = readableHistory(requireRoot(locator, cwd));
		if (output.json) {
			output.data({
				entries: entries.map(({ id, time, command, summary, lock }) => ({
					id,
					time,
					command,
					summary,
					lock: lock !== null,
				})),
				ignored,
			});
			return 0;
		}
		if (entries.length === 0)
			output.out("no history yet: every sync that changes pyproject.toml or uv.lock adds an entry");
		for (const entry of entries)
			output.out(`#${entry.id}  ${entry.time.replace("T", " ").replace(/\.\d+Z$/, "Z")}  ${entry.summary}`);
		for (const file of ignored) output.err(`warning: ${file} was not written by hpm for you; it is ignored`);
		return 0;
	},
});

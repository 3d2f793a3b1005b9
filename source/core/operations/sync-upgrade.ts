import path from "node:path";
import { HpmError } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import { readUvLockBytes } from "../project/files.js";
import { type LockChange, lockPackageNames } from "../project/lock-diff.js";

/** `hpm sync --upgrade`: every package of the selection, or only the named ones. */
export type Upgrade = { readonly packages: readonly string[] };

export const upgradeArgs = (upgrade: Upgrade): string[] =>
	upgrade.packages.length === 0 ? ["--upgrade"] : upgrade.packages.flatMap((name) => ["--upgrade-package", name]);

export const upgradeWhat = (upgrade: Upgrade): string =>
	upgrade.packages.length === 0 ? "every package in uv.lock" : upgrade.packages.join(", ");

export const formatChange = (change: LockChange): string =>
	change.from === null
		? `+${change.name} ${change.to}`
		: change.to === null
			? `-${change.name} ${change.from}`
			: `${change.name} ${change.from} -> ${change.to}`;

/** A package to upgrade must be one uv.lock has (uv would ignore any other name in silence). */
export function checkUpgradable(root: string, upgrade: Upgrade): void {
	if (upgrade.packages.length === 0) return;
	const locked = lockPackageNames(readUvLockBytes(path.join(root, "uv.lock")));
	for (const name of upgrade.packages) {
		const invalid = invalidNameReason(name);
		if (invalid) throw new HpmError("usage", `--upgrade-package ${JSON.stringify(name)}: ${invalid}`);
		if (!locked.has(normalizeName(name)))
			throw new HpmError("invalid-argument", `${name} is not in uv.lock, so there is nothing to upgrade`, {
				hint:
					locked.size === 0
						? "there is no uv.lock yet: run `hpm sync` first"
						: "`hpm why NAME` shows how a package is in the environment",
			});
	}
}

// uv's own dry-run lines: `Update x v1 (abc) -> v2 (def)`, `Add y v1`, `Remove z v1`
const VERSION = String.raw`v?(\S+)(?: \(([0-9a-f]{7,64})\))?`;
const DRY_UPDATE = new RegExp(`^Update (\\S+) ${VERSION} -> ${VERSION}$`);
const DRY_ADD = new RegExp(`^Add (\\S+) ${VERSION}$`);
const DRY_REMOVE = new RegExp(`^Remove (\\S+) ${VERSION}$`);

/** uv's dry-run lines as changes. */
export function dryRunChanges(lines: readonly string[]): LockChange[] {
	const show = (v: string | undefined, commit: string | undefined) =>
		`${v ?? ""}${commit ? ` (${commit.slice(0, 7)})` : ""}`;
	const changes: LockChange[] = [];
	for (const line of lines.map((l) => l.trim())) {
		const update = DRY_UPDATE.exec(line);
		if (update)
			changes.push({ name: update[1] ?? "", from: show(update[2], update[3]), to: show(update[4], update[5]) });
		const add = DRY_ADD.exec(line);
		if (add) changes.push({ name: add[1] ?? "", from: null, to: show(add[2], add[3]) });
		const remove = DRY_REMOVE.exec(line);
		if (remove) changes.push({ name: remove[1] ?? "", from: show(remove[2], remove[3]), to: null });
	}
	return changes;
}

import path from "node:path";
import { isNode, isScalar, type Node, parseDocument, visit } from "yaml";
import { HpmError } from "../../base/errors.js";
import { normalizeName } from "../../base/names.js";
import { readRegularFile } from "../../os/read-file.js";
import type { Package } from "../../registry/model.js";
import type { PackageInput } from "../../registry/new-package.js";
import { MAX_YAML_BYTES } from "../../registry/yaml-file.js";
import { editManifestText, type ManifestChange } from "./manifest-edit.js";
import type { NewManifest } from "./new-manifest.js";

/*
 * A new source for a package already in the registry: whether its manifest says so already, and
 * the manifest's text with the source added or replaced.
 */

/** Whether the manifest already has exactly this source for the mode, and nothing else would change. */
export function saysAlready(existing: Package, manifest: NewManifest, input: PackageInput): boolean {
	if (manifest.version !== existing.version) return false;
	if (input.description !== undefined && input.description !== existing.description) return false;
	return sameModeSource(existing, manifest);
}

/**
 * Whether the manifest's source for the mode is the one being added, compared as the loader reads
 * them: a local folder by where it is (`../../pkg/` and `../../pkg` are one folder), a git source by
 * URL, ref and subdirectory.
 */
function sameModeSource(existing: Package, manifest: NewManifest): boolean {
	const had = existing.sources.get(manifest.mode);
	const want = manifest.source;
	if (!had || had.type !== want.type) return false;
	switch (had.type) {
		case "local": {
			const folder = path.resolve(path.dirname(existing.location.file), String(want.path));
			return had.path === folder && had.editable === (want.editable === true);
		}
		case "index":
			return (
				had.requirement.trim() === want.requirement &&
				had.index === (want.index === undefined ? undefined : normalizeName(String(want.index)))
			);
		case "git": {
			const ref = (["tag", "branch", "rev"] as const).find((kind) => want[kind] !== undefined);
			return (
				had.url === want.url &&
				had.ref?.kind === ref &&
				(ref === undefined || had.ref?.value === want[ref]) &&
				had.subdirectory === (want.subdirectory === undefined ? undefined : String(want.subdirectory))
			);
		}
	}
}

/** The existing manifest's text with the mode's source added or (with --force) replaced. */
export function mergeSource(
	existing: Package,
	manifest: NewManifest,
	input: PackageInput,
): { text: string; old: string; normalized: boolean } {
	const file = existing.location.file;
	if (existing.sources.has(manifest.mode) && !sameModeSource(existing, manifest) && !input.force) {
		throw new HpmError("exists", `package "${existing.name}" already has another ${manifest.mode} source`, {
			hint: `pass --force to replace it (its other sources stay), or --mode for another mode (it has: ${[...existing.sources.keys()].join(", ")})`,
			location: existing.location,
		});
	}
	const version = manifest.version !== existing.version ? manifest.version : undefined;
	if (version !== undefined && !input.force) {
		throw new HpmError(
			"version-mismatch",
			`package "${existing.name}" is version ${existing.version} in its manifest, but the new source says ${version}`,
			{
				hint: `pass --version ${existing.version}, or --force to make the manifest say ${version}`,
				location: existing.location,
			},
		);
	}
	const description =
		input.description !== undefined && input.description !== existing.description ? input.description : undefined;
	if (description !== undefined && existing.description !== "" && !input.force) {
		throw new HpmError("description-mismatch", `package "${existing.name}" already has another description`, {
			hint: "drop --description, or pass --force to replace it",
			location: existing.location,
		});
	}
	const old = readRegularFile(file, MAX_YAML_BYTES).toString("utf8");
	const change = { mode: manifest.mode, source: manifest.source, version, description };
	const edited = editManifestText(old, change);
	return edited === undefined
		? { text: renderManifestChange(old, change), old, normalized: true }
		: { text: edited, old, normalized: false };
}

/** The YAML library's rendering of the change, for files in a shape the line editor leaves alone. */
function renderManifestChange(text: string, change: ManifestChange): string {
	const document = parseDocument(text);
	// another mode that is an alias of the source being replaced (`dev: *prod`) keeps what it said:
	// the alias becomes a copy of the old source before that is replaced
	const old: unknown = document.getIn(["sources", change.mode], true);
	const anchor = isNode(old) ? old.anchor : undefined;
	if (isNode(old) && anchor !== undefined) {
		visit(document, {
			Alias: (_, alias) => {
				if (alias.source !== anchor) return undefined;
				const copy = old.clone() as Node;
				copy.anchor = undefined;
				return copy;
			},
		});
	}
	// strings double-quoted, as every manifest hpm writes
	const quoted = (value: unknown) => {
		const node = document.createNode(value);
		const quote = (scalar: unknown) => {
			if (isScalar(scalar) && typeof scalar.value === "string") scalar.type = "QUOTE_DOUBLE";
		};
		quote(node);
		visit(node, { Pair: (_, pair) => quote(pair.value) });
		return node;
	};
	document.setIn(["sources", change.mode], quoted({ ...change.source }));
	if (change.version !== undefined) document.setIn(["version"], quoted(change.version));
	if (change.description !== undefined) document.setIn(["description"], quoted(change.description));
	return document.toString({ lineWidth: 0 });
}

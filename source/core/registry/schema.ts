import * as z from "zod/mini";

/**
 * The raw shapes of registry files; zod is the single source of truth for them. zod/mini (the
 * tree-shakable build of zod 4) keeps hpm's start-up small; the issues are the same.
 */

const text = z.string().check(z.minLength(1));

export const STRATEGIES = ["1-of-N", "M-of-N"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** `group=option` references of an option: what it needs chosen with it, and what it cannot be chosen with. */
const references = z.optional(z.array(text));

export const optionSchema = z.strictObject({ name: text, requires: references, conflicts: references });

export const groupFileSchema = z.strictObject({
	name: text,
	strategy: z.enum(STRATEGIES),
	description: z.optional(z.string()),
	/** The interface (a PEP 508 name) every option implements: each option's manifest `provides` it. */
	interface: z.optional(text),
	/** The choice `hpm init` and `hpm group add GROUP` make when none is given. */
	default: z.optional(z.union([text, z.array(text)], { error: "must be an option's name, or a list of them" })),
	/** 1-of-N: a project using the registry must choose (a check fails without a choice). */
	required: z.optional(z.boolean()),
	/** M-of-N: how many options a choice has at least and at most. */
	min: z.optional(
		z.int({ error: "must be a whole number" }).check(z.minimum(0, { error: "must be a whole number, 0 or more" })),
	),
	max: z.optional(
		z.int({ error: "must be a whole number" }).check(z.minimum(1, { error: "must be a whole number, 1 or more" })),
	),
	options: z.array(optionSchema),
	/** A per-machine group: each machine keeps its own choice (`.hpm/machine.toml`), the lock covers every option. */
	machine: z.optional(z.boolean()),
	/** `auto`: with `machine: true`, the option is picked by probing the machine (the options' `needs`). */
	choose: z.optional(z.literal("auto")),
});

export const localSourceSchema = z.strictObject({
	type: z.literal("local"),
	path: text,
	editable: z.optional(z.boolean()),
});

export const gitSourceSchema = z.strictObject({
	type: z.literal("git"),
	url: text,
	tag: z.optional(text),
	branch: z.optional(text),
	rev: z.optional(text),
	subdirectory: z.optional(text),
});

/** A requirement on a package index: the default one, or one the registry declares in `indexes/`. */
export const indexSourceSchema = z.strictObject({
	type: z.literal("index"),
	/** A PEP 508 requirement whose name is the package's. */
	requirement: text,
	/** The name of an index declared in `indexes/<name>.yaml`; without it, uv's default index. */
	index: z.optional(text),
	/** A PEP 508 marker: where the index applies (elsewhere uv's default index). Machine groups only. */
	marker: z.optional(text),
	/** More distributions from the same source choice (`torchvision==0.22.1`, `x ; sys_platform == "linux"`). */
	family: z.optional(z.array(text)),
});

export const sourceSchema = z.discriminatedUnion("type", [localSourceSchema, gitSourceSchema, indexSourceSchema]);

/** `indexes/<name>.yaml`: a package index, declared once and named by index sources. */
export const indexFileSchema = z.strictObject({
	name: text,
	url: text,
	/** As uv's `[[tool.uv.index]] explicit`: only packages pinned to the index come from it. */
	explicit: z.optional(z.boolean()),
});

export { MODE_PATTERN } from "../base/names.js";
import { MODE_PATTERN } from "../base/names.js";

/** What a machine must have for `choose: auto` to pick the option. */
export const needsSchema = z.strictObject({
	/** A version range on the CUDA version the NVIDIA driver supports (`>=12.8`). */
	cuda: z.optional(text),
	/** A version range on the installed ROCm (`>=6.2`). */
	rocm: z.optional(text),
	"apple-silicon": z.optional(z.boolean()),
});

const expectation = { equals: z.optional(z.string()), startswith: z.optional(z.string()) };

/** One proof after install; each item has exactly one of the keys (checked where the file is read). */
export const checkSchema = z.strictObject({
	/** A module that must import in the project's environment. */
	import: z.optional(text),
	/** The installed version of a distribution: its local tag (`cu128` of `2.5.0+cu128`), whole or its start. */
	version: z.optional(z.strictObject({ package: text, local: z.optional(text), ...expectation })),
	/** A value reached from a module (`torch` + `version.cuda`), as text. */
	attribute: z.optional(z.strictObject({ module: text, path: text, ...expectation })),
	/** A package name glob (fnmatch, on normalized names) that must not be in uv.lock. */
	"lock-forbids": z.optional(text),
});

export const packageFileSchema = z.strictObject({
	name: text,
	version: text,
	description: z.optional(z.string()),
	/** Interfaces (PEP 508 names) this package implements. */
	provides: z.optional(z.array(text)),
	/** Distributions (PEP 508 names) this option stands in for: kept out of the lock while it is chosen. */
	replaces: z.optional(z.array(text)),
	sources: z.record(z.string().check(z.regex(MODE_PATTERN)), sourceSchema),
	needs: z.optional(needsSchema),
	checks: z.optional(z.array(checkSchema)),
});

export type GroupFile = z.infer<typeof groupFileSchema>;
export type PackageFile = z.infer<typeof packageFileSchema>;

/** Keys each kind of mapping accepts, for "did you mean" hints on unknown keys. */
export const KNOWN_KEYS = {
	group: Object.keys(groupFileSchema.shape),
	option: Object.keys(optionSchema.shape),
	package: Object.keys(packageFileSchema.shape),
	local: Object.keys(localSourceSchema.shape),
	git: Object.keys(gitSourceSchema.shape),
	index: Object.keys(indexSourceSchema.shape),
	indexFile: Object.keys(indexFileSchema.shape),
	needs: Object.keys(needsSchema.shape),
	check: Object.keys(checkSchema.shape),
	versionCheck: ["package", "local", ...Object.keys(expectation)],
	attributeCheck: ["module", "path", ...Object.keys(expectation)],
} as const;

/** The source types, for messages. */
export const SOURCE_TYPES = ["local", "git", "index"] as const;

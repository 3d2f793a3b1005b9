import { z } from "zod";

/** The raw shapes of registry files; zod is the single source of truth for them. */

const text = z.string().min(1);

export const STRATEGIES = ["1-of-N", "M-of-N"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const groupFileSchema = z.strictObject({
	name: text,
	strategy: z.enum(STRATEGIES),
	description: z.string().optional(),
	options: z.array(z.strictObject({ name: text })),
});

export const localSourceSchema = z.strictObject({
	type: z.literal("local"),
	path: text,
	editable: z.boolean().optional(),
});

export const gitSourceSchema = z.strictObject({
	type: z.literal("git"),
	url: text,
	tag: text.optional(),
	branch: text.optional(),
	rev: text.optional(),
	subdirectory: text.optional(),
});

export const sourceSchema = z.discriminatedUnion("type", [localSourceSchema, gitSourceSchema]);

export const MODE_PATTERN = /^[a-z][a-z0-9_-]*$/;

export const packageFileSchema = z.strictObject({
	name: text,
	version: text,
	description: z.string().optional(),
	sources: z.record(z.string().regex(MODE_PATTERN), sourceSchema),
});

export type GroupFile = z.infer<typeof groupFileSchema>;
export type PackageFile = z.infer<typeof packageFileSchema>;
export type SourceFile = z.infer<typeof sourceSchema>;

/** Keys each kind of mapping accepts, for "did you mean" hints on unknown keys. */
export const KNOWN_KEYS = {
	group: Object.keys(groupFileSchema.shape),
	option: ["name"],
	package: Object.keys(packageFileSchema.shape),
	local: Object.keys(localSourceSchema.shape),
	git: Object.keys(gitSourceSchema.shape),
} as const;

/** What one uv run reports while it runs (part of an operation's `HpmEvent` stream). */
export type UvEvent =
	| {
			readonly type: "uv-start";
			readonly args: readonly string[];
			readonly pid: number | undefined;
			/** Set as HPM_RUN_ID in uv's environment, which everything uv starts inherits. */
			readonly token: string;
	  }
	| { readonly type: "uv-line"; readonly line: string }
	| { readonly type: "uv-exit"; readonly args: readonly string[]; readonly exitCode: number };

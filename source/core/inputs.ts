/**
 * How an input of a command is declared, once: its type (which a command line parses), the
 * placeholder and one line of help (which `--help` prints). The core declares the inputs of its
 * operations this way; the CLI turns them into flags and the UI into questions.
 */
export type InputSpec = {
	readonly type: "string" | "boolean";
	readonly short?: string;
	readonly multiple?: boolean;
	/** The value's placeholder in help: `--path DIR`. */
	readonly value?: string;
	readonly help: string;
};

export type InputSpecs = Readonly<Record<string, InputSpec>>;

/** The typed values a declaration yields: booleans are always set, repeatable strings are lists. */
export type InputValues<S extends InputSpecs> = {
	readonly [K in keyof S]: S[K] extends { readonly type: "boolean" }
		? boolean
		: S[K] extends { readonly multiple: true }
			? readonly string[]
			: string | undefined;
};

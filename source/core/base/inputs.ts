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

/**
 * Typed values from raw ones (parsed flags, a form's answers) as a declaration describes them:
 * a boolean is true only when given as true, a repeatable input is a list of its strings, any
 * other input a string or undefined. Anything else in `raw` is dropped.
 */
export function inputValues<S extends InputSpecs>(specs: S, raw: Readonly<Record<string, unknown>>): InputValues<S> {
	const values = Object.fromEntries(
		Object.entries(specs).map(([name, spec]) => {
			const value = raw[name];
			if (spec.type === "boolean") return [name, value === true];
			if (spec.multiple) return [name, Array.isArray(value) ? value.filter((v) => typeof v === "string") : []];
			return [name, typeof value === "string" ? value : undefined];
		}),
	);
	// built key by key from `specs`, exactly as InputValues<S> maps them
	return values as InputValues<S>;
}

/**
 * PEP 508 environment markers (`sys_platform == "linux" and python_version >= "3.11"`), parsed
 * into a tree by the grammar of PEP 508 and written back from that tree: hpm never hands uv a
 * marker as the registry wrote it, only this canonical form (double quotes, single spaces, the
 * parentheses the tree needs).
 */
export type Marker =
	| { readonly kind: "and" | "or"; readonly left: Marker; readonly right: Marker }
	| { readonly kind: "compare"; readonly left: Operand; readonly op: string; readonly right: Operand };

type Operand = { readonly variable: string } | { readonly literal: string };

/** The variables PEP 508 (and uv) define; `extra` and `dependency_groups` are left out: hpm owns those. */
const VARIABLES = new Set([
	"python_version",
	"python_full_version",
	"os_name",
	"sys_platform",
	"platform_release",
	"platform_system",
	"platform_version",
	"platform_machine",
	"platform_python_implementation",
	"implementation_name",
	"implementation_version",
]);

const OPERATORS = ["===", "==", "!=", "<=", ">=", "~=", "<", ">", "not in", "in"] as const;

type Token = { readonly kind: "word" | "string" | "op" | "(" | ")"; readonly text: string };

function tokenize(text: string): Token[] | string {
	const tokens: Token[] = [];
	let at = 0;
	while (at < text.length) {
		const rest = text.slice(at);
		const space = /^\s+/.exec(rest);
		if (space) {
			at += space[0].length;
			continue;
		}
		const quote = rest[0];
		if (quote === '"' || quote === "'") {
			const end = rest.indexOf(quote, 1);
			if (end === -1) return `has an unterminated string: ${rest}`;
			const literal = rest.slice(1, end);
			if (/["'\\]/.test(literal)) return `has a string hpm does not accept: ${rest.slice(0, end + 1)}`;
			tokens.push({ kind: "string", text: literal });
			at += end + 1;
			continue;
		}
		if (quote === "(" || quote === ")") {
			tokens.push({ kind: quote, text: quote });
			at += 1;
			continue;
		}
		const op = /^(===|==|!=|<=|>=|~=|<|>)/.exec(rest);
		if (op) {
			tokens.push({ kind: "op", text: op[0] });
			at += op[0].length;
			continue;
		}
		const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
		if (!word) return `has a character a marker cannot hold: ${JSON.stringify(rest[0])}`;
		tokens.push({ kind: "word", text: word[0] });
		at += word[0].length;
	}
	return tokens;
}

/** The marker, or why it is not one (a sentence fragment: "is ...", "has ..."). */
export function parseMarker(text: string): Marker | string {
	const tokens = tokenize(text);
	if (typeof tokens === "string") return tokens;
	if (tokens.length === 0) return "is empty";
	let at = 0;
	const peek = () => tokens[at];
	const expression = (): Marker | string => {
		let left = conjunction();
		while (typeof left !== "string" && peek()?.kind === "word" && peek()?.text === "or") {
			at++;
			const right = conjunction();
			if (typeof right === "string") return right;
			left = { kind: "or", left, right };
		}
		return left;
	};
	const conjunction = (): Marker | string => {
		let left = atom();
		while (typeof left !== "string" && peek()?.kind === "word" && peek()?.text === "and") {
			at++;
			const right = atom();
			if (typeof right === "string") return right;
			left = { kind: "and", left, right };
		}
		return left;
	};
	const operand = (): Operand | string => {
		const token = tokens[at++];
		if (token?.kind === "string") return { literal: token.text };
		if (token?.kind === "word" && VARIABLES.has(token.text)) return { variable: token.text };
		if (token?.kind === "word")
			return `names "${token.text}", which is not a marker variable (${[...VARIABLES].join(", ")})`;
		return "is missing a variable or a quoted value";
	};
	const atom = (): Marker | string => {
		if (peek()?.kind === "(") {
			at++;
			const inner = expression();
			if (typeof inner === "string") return inner;
			if (tokens[at++]?.kind !== ")") return "has a parenthesis that is not closed";
			return inner;
		}
		const left = operand();
		if (typeof left === "string") return left;
		let op: string | undefined;
		const token = tokens[at];
		if (token?.kind === "op" || (token?.kind === "word" && token.text === "in")) op = token.text;
		else if (token?.kind === "word" && token.text === "not" && tokens[at + 1]?.text === "in") {
			op = "not in";
			at++;
		}
		if (op === undefined || !(OPERATORS as readonly string[]).includes(op))
			return "is missing a comparison (==, !=, <, <=, >, >=, ~=, ===, in, not in)";
		at++;
		const right = operand();
		if (typeof right === "string") return right;
		if ("variable" in left === "variable" in right) return "must compare a variable with a quoted value";
		return { kind: "compare", left, op, right };
	};
	const marker = expression();
	if (typeof marker === "string") return marker;
	if (at < tokens.length) return `has something after the marker: ${tokens[at]?.text ?? ""}`;
	return marker;
}

/** The canonical text of a parsed marker: what hpm writes for uv. */
export function markerText(marker: Marker): string {
	const side = (operand: Operand) => ("variable" in operand ? operand.variable : `"${operand.literal}"`);
	switch (marker.kind) {
		case "compare":
			return `${side(marker.left)} ${marker.op} ${side(marker.right)}`;
		case "and": {
			const wrap = (m: Marker) => (m.kind === "or" ? `(${markerText(m)})` : markerText(m));
			return `${wrap(marker.left)} and ${wrap(marker.right)}`;
		}
		case "or":
			return `${markerText(marker.left)} or ${markerText(marker.right)}`;
	}
}

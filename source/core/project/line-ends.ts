/**
 * A text edit that works on LF lines, applied to a file that may be CRLF or start with a BOM:
 * the edit sees the text with `\n` only, and its outcome gets the file's own line ends and BOM back
 * (editToml does the same for toml_edit). Every line-level edit of pyproject.toml goes through it.
 */
export type LineEnds = { readonly lf: string; readonly restore: (edited: string) => string };

export function lineEnds(text: string): LineEnds {
	const bom = text.startsWith("\uFEFF");
	const body = bom ? text.slice(1) : text;
	const crlf = body.includes("\r\n");
	const lf = crlf ? body.replace(/\r\n/g, "\n") : body;
	return {
		lf,
		restore: (edited) => {
			const out = crlf ? edited.replace(/\r?\n/g, "\r\n") : edited;
			return bom ? `\uFEFF${out}` : out;
		},
	};
}

/** PEP 503 normalization: runs of `-`, `_` and `.` become one `-`, lower case. */
export function normalizeName(name: string): string {
	return name.replace(/[-_.]+/g, "-").toLowerCase();
}

// PEP 508: ASCII letters and digits, with `-`, `_` and `.` only between them.
const PEP508_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** Why `name` is not a valid package name, or undefined when it is one. */
export function invalidNameReason(name: string): string | undefined {
	if (name.length === 0) return "the name is empty";
	if (name.startsWith("-")) return "a name must not start with '-' (it would read as an option)";
	if (name.includes("/") || name.includes("\\")) return "a name must not contain a path separator";
	if (name.includes("..")) return "a name must not contain '..'";
	if (/[^\x20-\x7e]/.test(name)) {
		return "a name must be plain ASCII (letters, digits, '-', '_', '.'); look-alike characters are not allowed";
	}
	if (!PEP508_NAME.test(name)) {
		return "a name must start and end with a letter or digit and hold only letters, digits, '-', '_' and '.' (PEP 508)";
	}
	return undefined;
}

export function isValidName(name: string): boolean {
	return invalidNameReason(name) === undefined;
}

export const ROOT: string;
export const SCHEMAS: string;
export function codesTable(
	errorCodes: Readonly<Record<string, { readonly summary: string; readonly exit?: readonly number[] }>>,
	problemCodes: Readonly<Record<string, { readonly summary: string; readonly exit?: readonly number[] }>>,
): string;
export function withCodesTable(readme: string, table: string): string;
export function schemaText(schema: unknown): Promise<string>;
export function contractFiles(
	codes: typeof import("../source/core/base/codes.js"),
	outputs: typeof import("../source/cli/json-output.js"),
): Promise<Map<string, string>>;
export function strayFiles(files: ReadonlyMap<string, string>): string[];

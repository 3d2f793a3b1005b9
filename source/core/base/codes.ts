/**
 * Every code hpm gives an error or a problem: a stable interface (SPEC §6, `--json`'s `"code"`),
 * so each is listed here once, with what it means. `HpmError` and `Problem` take only these, so a
 * misspelt or unlisted code fails `tsc`. README's table of codes is generated from these lists
 * (`node scripts/contract.mjs`); a test fails when it differs.
 */

/** Exit codes: 0 ok, 1 a check found a problem or uv failed, 2 usage or input error, 128+N a signal. */
export type ExitCode = 1 | 2 | 129 | 130 | 131 | 143;

type Entry = {
	/** What the code means, one line. */
	readonly summary: string;
	/** The exit codes hpm ends with when this error ends a command (2 unless said). */
	readonly exit?: readonly ExitCode[];
};

const UV_UNUSABLE = [1] as const satisfies readonly ExitCode[];
const SIGNALS = [1, 129, 130, 131, 143] as const satisfies readonly ExitCode[];

/** Codes of errors: something stopped a command. */
export const ERROR_CODES = {
	"backup-missing": { summary: "a restore needed the journal's backup copy, and it is gone", exit: [1, 2] },
	cancelled: { summary: "the person cancelled a question; nothing was written", exit: [1] },
	"check-failed": {
		summary: "a check of a chosen option (`checks:`) failed after install; the option and what was found are named",
		exit: [1],
	},
	"changed-since": { summary: "an undo found the file changed since (by a sync or an edit); nothing was undone" },
	"credentials-missing": {
		summary: "a registry or source takes its credentials from an environment variable that is not set",
	},
	"default-breaks-rule": { summary: "a group's default would break a registry rule, so it is not chosen for you" },
	"description-mismatch": {
		summary: "registry add: the package already has another description (--force replaces it)",
	},
	"edit-kept": {
		summary: "a file changed while hpm wrote it; hpm's change is in place and the other edit is kept beside it",
		exit: [1],
	},
	"empty-matrix": { summary: "check --matrix: the registry has no group with options to combine" },
	exists: { summary: "the file to write exists and does not load, or is not a regular file (--force, or fix it)" },
	"foreign-owner": { summary: "the file belongs to another user; a rewritten file could not keep its owner" },
	"git-failed": { summary: "git failed while reading a registry from git" },
	"git-missing": { summary: "git is not installed (a registry from git needs it)" },
	"hard-linked": { summary: "the file has several hard links; writing it would split them" },
	"history-empty": { summary: "the project has no history entry yet (rollback, diff)" },
	"history-missing": { summary: "there is no history entry with that number" },
	"history-unreadable": { summary: ".hpm/history cannot be read" },
	"history-unverified": { summary: "no file of .hpm/history verifies with the signing key" },
	"history-unwritable": { summary: "the history entry could not be written, so the change was not made", exit: [1] },
	"index-table": { summary: "a [[tool.uv.index]] table cannot be added to pyproject.toml as it is written" },
	internal: { summary: "an unexpected error: a bug in hpm" },
	interrupted: { summary: "a signal or Ctrl-C stopped the command; the files are as they were", exit: SIGNALS },
	"invalid-argument": { summary: "a flag's or an argument's value is not valid" },
	"invalid-setting": { summary: "an HPM_* environment variable has a value hpm cannot use" },
	io: { summary: "a file hpm needs (journal, signing key, staged copy) cannot be read or written", exit: [1, 2] },
	link: { summary: "the file is a symbolic link; hpm does not write through it" },
	"lock-failed": { summary: "the project lock file cannot be created" },
	"lock-not-a-file": { summary: "uv.lock is not a regular file; hpm does not hand it to uv", exit: [1] },
	"lock-odd": { summary: "the project lock's path holds something that is not hpm's lock" },
	"lock-unreadable": { summary: "uv.lock cannot be read" },
	locked: { summary: "another hpm holds the project lock" },
	"manifest-invalid": { summary: "install --manifest: the file is not a package manifest" },
	"matrix-too-large": { summary: "check --matrix --all: more combinations than the cap allows" },
	"no-options": { summary: "group add: the group has nothing to choose from" },
	"not-a-file": { summary: "the path is not a regular file; hpm will not replace it" },
	"not-a-folder": { summary: "init --registry: the path exists and is not a folder" },
	"not-a-project": { summary: "pyproject.toml has no [project] table, so uv cannot install into it" },
	"not-a-report": { summary: "report -o: the file exists and is not an hpm report; it is left as it is" },
	"not-a-terminal": { summary: "hpm ui needs an interactive terminal" },
	"not-found": { summary: "no group, package or interface of that name (show, why)" },
	"nothing-to-update": { summary: "registry update: the registry has no git layer, or no pin to move" },
	"option-required": { summary: "group add without --option and without a terminal or default to decide" },
	"output-exists": {
		summary: "export -o, ci init: the file to write exists (--force replaces it), or changed meanwhile",
	},
	"outside-registry": { summary: "a path leads outside the registry; hpm writes only inside it" },
	"pin-backwards": {
		summary: "registry update would move the pin backwards or across a rewritten history (--force)",
		exit: [1],
	},
	problems: { summary: 'an operation refused for the selection\'s problems (listed in "problems")', exit: [1] },
	"project-changed": {
		summary: "pyproject.toml or uv.lock changed while hpm worked; nothing was written",
		exit: [1, 2],
	},
	"project-invalid": { summary: "pyproject.toml's [tool.hpm] does not hold what hpm expects" },
	"project-not-found": { summary: "no pyproject.toml here or above (hpm init makes one)" },
	"project-read-only": { summary: "pyproject.toml is read-only; nothing was written" },
	"project-unreadable": { summary: "pyproject.toml cannot be read" },
	"project-unwritable": { summary: "pyproject.toml cannot be written" },
	"read-only": { summary: "a registry file is read-only; nothing was written" },
	"recovery-conflict": {
		summary: "an earlier hpm stopped mid-change and its journal is unusable; nothing was restored",
		exit: [1],
	},
	"registry-cache": { summary: "hpm's cache of a git registry is not trusted or cannot be used" },
	"registry-changed": { summary: "a registry file changed while hpm worked; nothing was written" },
	"registry-commit": { summary: "the pinned commit of a git registry is not in hpm's cache and cannot be fetched" },
	"registry-invalid": { summary: "the registry setting is not valid (a layer named twice, an odd URL)" },
	"registry-not-found": { summary: "no registry folder where one was expected" },
	"registry-not-read": { summary: "the git registry was not read yet in this run" },
	"registry-read-only": { summary: "a registry from git is read-only for hpm; clone it to write" },
	"registry-recorded": { summary: "init: [tool.hpm] registry already names another registry" },
	"registry-ref": { summary: "the git registry has no such branch, tag or commit" },
	"report-input": { summary: "report --from: the file is not a `check --matrix --json` or `hpm test --json` document" },
	"restore-conflict": {
		summary: "a stopped change found the files edited by someone else; nothing was restored",
		exit: [1],
	},
	"toml-edit-failed": { summary: "a key of pyproject.toml cannot be set as the file is written" },
	"toml-edit-mismatch": { summary: "an edit of pyproject.toml would change more than hpm's keys; nothing was written" },
	"toml-encoding": { summary: "pyproject.toml is not UTF-8 text" },
	"toml-syntax": { summary: "pyproject.toml is not valid TOML" },
	"ui-cannot-open": { summary: "hpm ui cannot open the project" },
	"unknown-command": { summary: "no such command (the closest ones are named)" },
	usage: { summary: "the command line is wrong: an unknown flag, a missing value, a flag that does not fit" },
	"uv-broken": { summary: "uv is there but `uv self version` fails", exit: UV_UNUSABLE },
	"uv-missing": { summary: "uv is not installed, or HPM_UV names no program", exit: UV_UNUSABLE },
	"uv-too-old": { summary: "uv is older than hpm needs", exit: UV_UNUSABLE },
	"uv-unapplied": { summary: "uv reported success but the files do not say what it should have done", exit: [1] },
	"version-mismatch": { summary: "registry add: the package's version differs from its manifest's (--force)" },
	"workspace-unsupported": { summary: "hpm test: the project is part of a uv workspace, which it does not run in yet" },
	"would-not-load": { summary: "what hpm would write is refused by the loader; nothing was written" },
	"yaml-edit-mismatch": { summary: "a group file cannot be edited safely; nothing was written" },
	"machine-choice": {
		summary: "a per-machine choice (.hpm/machine.toml, --machine-choice, HPM_MACHINE_CHOICE) is not valid",
	},
	"machine-entry-taken": { summary: "a [tool.uv] entry a per-machine group needs is the person's, not hpm's" },
} as const satisfies Record<string, Entry>;

/** Codes of problems: something found in the registry, the project or uv's answer (check, lint, ...). */
export const PROBLEM_CODES = {
	"build-failed": { summary: "a selected package failed to build" },
	cardinality: { summary: "a 1-of-N group is given a list, or a group more or fewer options than it allows" },
	"conflicting-refs": { summary: "a git source gives more than one of tag, branch, rev" },
	"constraint-conflicts": { summary: "the choice breaks a registry `conflicts` rule" },
	"constraint-requires": { summary: "the choice breaks a registry `requires` rule" },
	"dangling-link": { summary: "a symbolic link points at nothing" },
	"defaults-break-rule": { summary: "the registry's defaults break one of its rules" },
	"duplicate-group": { summary: "a group is defined twice in the registry, or named twice in [tool.hpm.groups]" },
	"duplicate-index": { summary: "an index is defined twice in the registry" },
	"duplicate-option": { summary: "a group lists an option twice" },
	"duplicate-package": { summary: "a package is defined twice in the registry" },
	"empty-file": { summary: "a registry file is empty" },
	"empty-group": { summary: "a group has no options (a warning; lint --strict fails it)" },
	"empty-value": { summary: "a registry value must not be empty" },
	"family-gap": { summary: "an option's family lacks a distribution other options of its group install (a warning)" },
	"file-too-large": { summary: "a registry file is larger than hpm reads" },
	"interface-not-provided": { summary: "an option does not provide its group's interface" },
	invalid: { summary: "a registry value is not valid" },
	"invalid-check": { summary: "an option's `checks:` item is not valid" },
	"invalid-default": { summary: "a group's default is not valid" },
	"invalid-limit": { summary: "a group's min, max or required is not valid" },
	"invalid-mode": { summary: "a mode name is not valid" },
	"invalid-name": { summary: "a name is not a valid PEP 508 name" },
	"invalid-path": { summary: "a local source's path is not valid" },
	"invalid-ref": { summary: "a git ref (tag, branch, rev) is not valid" },
	"invalid-needs": { summary: "an option's `needs:` is not valid (a version range, apple-silicon: true)" },
	"invalid-reference": { summary: "a rule's group=option is not written right" },
	"invalid-requirement": { summary: "an index source's requirement is not valid" },
	"invalid-rule": { summary: "a rule is not valid" },
	"invalid-source-type": { summary: "a source's type is not local, git or index" },
	"invalid-subdirectory": { summary: "a git source's subdirectory is not valid" },
	"invalid-url": { summary: "a URL is not one hpm accepts" },
	"invalid-value": { summary: "a registry value is not one of those allowed" },
	"local-missing": { summary: "uv finds no package at a local source's path" },
	"local-name": { summary: "a local source's folder holds a package of another name" },
	"local-path": { summary: "a local source's path does not hold a Python package" },
	"local-version": { summary: "a local package's version differs from its manifest's" },
	"missing-key": { summary: "a required key is missing from a registry file" },
	"more-conflicts": { summary: "more conflicts may exist that could not be checked on their own" },
	"name-mismatch": { summary: "a registry file's name does not match the name inside it" },
	"no-choice": { summary: "a 1-of-N group has no choice (a warning unless --strict)" },
	"no-source-for-mode": { summary: "a selected package has no source for the mode" },
	"no-sources": { summary: "a package has no sources" },
	"project-unresolvable": { summary: "the project's own dependencies do not resolve, whatever is chosen" },
	"ref-missing": { summary: "a git source's tag, branch or rev does not exist" },
	"remote-local-source": { summary: "a registry from git offers a local path source" },
	"required-choice": { summary: "a required group has no choice" },
	resolution: { summary: "uv found no solution: the choices conflict (uv's explanation in detail)", exit: [1] },
	shadowed: { summary: "a definition hides one in a later registry layer" },
	"source-auth": { summary: "the git host refused the credentials for a source" },
	"source-unavailable": { summary: "git could not fetch a source" },
	"source-unreachable": { summary: "a source's host cannot be reached" },
	"too-few": { summary: "fewer options chosen than the group's min" },
	"too-many": { summary: "more options chosen than the group's max" },
	"unknown-group": { summary: "no group of that name" },
	"unknown-index": { summary: "a source names an index that is not declared" },
	"unknown-key": { summary: "a registry file has a key hpm does not know" },
	"unknown-mode": { summary: "a mode no selected package offers" },
	"unknown-option": { summary: "the group has no option of that name" },
	"unknown-package": { summary: "no package of that name in the registry" },
	"unknown-reference": { summary: "a rule names a group or option that does not exist" },
	unreadable: { summary: "a registry folder or file cannot be read" },
	unsatisfiable: { summary: "an option can never be chosen under the rules" },
	"uv-failed": { summary: "uv failed (its words in detail)", exit: [1, 2] },
	"uv-unreliable": { summary: "uv's answers contradict each other, so no verdict is given" },
	"virtual-workspace-root": { summary: "the project is a virtual uv workspace root with no dependencies of its own" },
	"workspace-conflict": { summary: "a uv workspace member cannot be resolved with the rest" },
	"wrong-type": { summary: "a registry value has the wrong type" },
	"yaml-aliases": { summary: "a YAML file's aliases cannot be expanded" },
	"yaml-binary": { summary: "a registry file holds binary data, not YAML text" },
	"yaml-encoding": { summary: "a registry file is not UTF-8 text" },
	"yaml-syntax": { summary: "a registry file is not valid YAML" },
	"option-unresolvable": {
		summary: "an option of a per-machine group does not resolve with the project (one lock covers every option)",
	},
	"machine-only": {
		summary: "choose: auto, family: or marker: where only a per-machine group (machine: true) can use it",
	},
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ProblemCode = keyof typeof PROBLEM_CODES;
/** An error stops with its own code or with the code of the problem it stands for. */
export type Code = ErrorCode | ProblemCode;

/** Node's system error codes hpm reacts to (`isCode`). */
export type SystemCode = "EACCES" | "EEXIST" | "ENOENT" | "ENOSYS" | "ENOTSUP" | "EPERM" | "ESRCH";

import { stringify } from "yaml";

/** The CI services `hpm ci init` writes a pipeline for. */
export type CiService = "github" | "gitlab";

/** Where each service reads its pipeline, relative to the repository's root. */
export const CI_FILES: Record<CiService, string> = {
	github: ".github/workflows/hpm.yml",
	gitlab: ".gitlab-ci.yml",
};

/** The variable each fanned-out job finds its combination in (`hpm sync --combination "$HPM_COMBINATION"`). */
export const COMBINATION_VARIABLE = "HPM_COMBINATION";

/** The file a GitLab pipeline's plan job writes, and its child pipeline runs (one job per combination). */
export const GITLAB_CHILD = "hpm-tests.yml";

const SYNC = `hpm sync --combination "$${COMBINATION_VARIABLE}"`;
/** GitLab's jobs run in a Python image; the PyPI package of hpm brings its own Node.js. */
const GITLAB_DEFAULT = { image: "python:3.12", before_script: ["pip install uv hyper-package-manager"] };

const yaml = (header: string, data: unknown): string =>
	`${header
		.split("\n")
		.map((line) => `# ${line}`.trimEnd())
		.join("\n")}\n${stringify(data, { lineWidth: 0, aliasDuplicateObjects: false })}`;

/** `run` in single quotes for a POSIX shell: `it's` is `'it'\''s'`. */
export function shellQuote(run: string): string {
	return `'${run.replace(/'/g, `'\\''`)}'`;
}

/**
 * The GitHub Actions workflow: lint the registry and plan the combinations; check them all
 * (which choices conflict); then one job per combination, in a fresh checkout: `hpm sync
 * --combination` and the command.
 */
export function githubWorkflow(run: string): string {
	const setup = [
		{ uses: "actions/checkout@v4" },
		{ uses: "astral-sh/setup-uv@v6" },
		{ uses: "actions/setup-node@v4", with: { "node-version": 20 } },
		{ run: "npm install -g hyper-package-manager" },
	];
	return yaml("written by `hpm ci init github`: lint, plan and check the combinations, then test each", {
		name: "hpm",
		on: ["push", "pull_request"],
		jobs: {
			plan: {
				"runs-on": "ubuntu-latest",
				outputs: { matrix: "${{ steps.plan.outputs.matrix }}" },
				steps: [
					...setup,
					{ run: "hpm registry lint" },
					// an assignment's status is the substitution's, so a failed check stops the step (`echo "…$(…)"` is echo's)
					{
						id: "plan",
						run: 'matrix="$(hpm check --matrix --format github)"\necho "matrix=$matrix" >> "$GITHUB_OUTPUT"\n',
					},
				],
			},
			matrix: { "runs-on": "ubuntu-latest", needs: "plan", steps: [...setup, { run: "hpm check --matrix" }] },
			test: {
				"runs-on": "ubuntu-latest",
				needs: "plan",
				strategy: { "fail-fast": false, matrix: "${{ fromJSON(needs.plan.outputs.matrix) }}" },
				env: { [COMBINATION_VARIABLE]: "${{ matrix.combination }}" },
				steps: [...setup, { run: SYNC }, { run }],
			},
		},
	});
}

/**
 * The GitLab pipeline: lint; check every combination; plan them into a child pipeline
 * (`hpm check --matrix --format gitlab --run CMD`, as an artifact) that the test stage triggers:
 * GitLab's `parallel: matrix:` is fixed in the file, so the list made at run time is a child's.
 */
export function gitlabPipeline(run: string): string {
	return yaml("written by `hpm ci init gitlab`: lint, check the combinations, then test each in a child pipeline", {
		stages: ["lint", "plan", "test"],
		default: GITLAB_DEFAULT,
		"hpm-lint": { stage: "lint", script: ["hpm registry lint"] },
		"hpm-matrix": { stage: "plan", script: ["hpm check --matrix"] },
		"hpm-plan": {
			stage: "plan",
			script: [`hpm check --matrix --format gitlab --run ${shellQuote(run)} > ${GITLAB_CHILD}`],
			artifacts: { paths: [GITLAB_CHILD] },
		},
		"hpm-test": {
			stage: "test",
			needs: ["hpm-plan"],
			trigger: { include: [{ artifact: GITLAB_CHILD, job: "hpm-plan" }], strategy: "depend" },
		},
	});
}

/** The child pipeline of `gitlabPipeline`: one job per combination, each syncing it, then running the command. */
export function gitlabChild(combinations: readonly string[], run: string): string {
	return yaml(`written by \`hpm check --matrix --format gitlab --run\`: ${combinations.length} combinations`, {
		default: GITLAB_DEFAULT,
		"hpm-test": {
			parallel: { matrix: [{ [COMBINATION_VARIABLE]: [...combinations] }] },
			script: [SYNC, run],
		},
	});
}

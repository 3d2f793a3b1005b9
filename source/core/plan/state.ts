import { type ProjectState, projectState } from "./plan.js";
import type { Project } from "../project/project.js";
import { findWorkspace, type Workspace } from "../project/workspace.js";

/** What the project has now, read from pyproject.toml, with the uv workspace it belongs to (if any). */
export function stateOfProject(project: Project): ProjectState & { readonly workspace: Workspace | undefined } {
	const workspace = findWorkspace(project.root);
	return { ...projectState(project.root, project.data, project.managed, workspace?.members), workspace };
}

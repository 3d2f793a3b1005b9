import type { Route } from "./routes.js";

export type { Route } from "./routes.js";

/** Routes are just screen states: a stack where Enter pushes, Esc pops and q quits; the screens open, and the help over the top one (scrolled to `helpOffset`). */
export type RouterState = { readonly stack: readonly Route[]; readonly help: boolean; readonly helpOffset: number };

export type RouterAction =
	| { readonly type: "push"; readonly route: Route }
	| { readonly type: "pop" }
	| { readonly type: "toggle-help" }
	| { readonly type: "close-help" }
	| { readonly type: "help-scroll"; readonly offset: number };

export const initialRouter: RouterState = { stack: [{ screen: "browser" }], help: false, helpOffset: 0 };

export function routerReducer(state: RouterState, action: RouterAction): RouterState {
	switch (action.type) {
		case "push":
			return { ...state, stack: [...state.stack, action.route], help: false };
		case "pop":
			return state.stack.length > 1 ? { ...state, stack: state.stack.slice(0, -1), help: false } : state;
		case "toggle-help":
			return { ...state, help: !state.help, helpOffset: 0 };
		case "help-scroll":
			return { ...state, helpOffset: action.offset };
		case "close-help":
			return { ...state, help: false };
	}
	const exhaustive: never = action;
	return exhaustive;
}

export function currentRoute(state: RouterState): Route {
	return state.stack.at(-1) ?? { screen: "browser" };
}

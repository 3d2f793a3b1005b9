/** Routes are just screen states: a stack where Enter pushes, Esc pops and q quits. */
export type Route =
	| { readonly screen: "browser" }
	| { readonly screen: "operation"; readonly kind: "check" | "sync" }
	| { readonly screen: "wizard" }
	| { readonly screen: "history" };

export type RouterState = { readonly stack: readonly Route[]; readonly help: boolean };

export type RouterAction =
	| { readonly type: "push"; readonly route: Route }
	| { readonly type: "pop" }
	| { readonly type: "toggle-help" }
	| { readonly type: "close-help" };

export const initialRouter: RouterState = { stack: [{ screen: "browser" }], help: false };

export function routerReducer(state: RouterState, action: RouterAction): RouterState {
	switch (action.type) {
		case "push":
			return { stack: [...state.stack, action.route], help: false };
		case "pop":
			return state.stack.length > 1 ? { stack: state.stack.slice(0, -1), help: false } : state;
		case "toggle-help":
			return { ...state, help: !state.help };
		case "close-help":
			return { ...state, help: false };
		default: {
			const exhaustive: never = action;
			return exhaustive;
		}
	}
}

export function currentRoute(state: RouterState): Route {
	return state.stack.at(-1) ?? { screen: "browser" };
}

import { useReducer, useRef } from "react";

/**
 * A reducer whose newest state is readable at once. Ink calls an input handler for every key
 * of a chunk before React renders again, so a handler that reads render-time state would act on
 * a stale cursor when keys arrive together (fast typing, paste, a terminal multiplexer).
 */
export function useLatestReducer<S, A>(
	reducer: (state: S, action: A) => S,
	initial: S,
): [state: S, dispatch: (action: A) => void, latest: () => S] {
	const ref = useRef(initial);
	const [, rerender] = useReducer((n: number) => n + 1, 0);
	const dispatch = (action: A) => {
		ref.current = reducer(ref.current, action);
		rerender();
	};
	return [ref.current, dispatch, () => ref.current];
}

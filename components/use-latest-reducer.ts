import { useCallback, useRef, useState } from "react";

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
	const [state, setState] = useState(initial);
	const dispatch = useCallback(
		(action: A) => {
			ref.current = reducer(ref.current, action);
			setState(ref.current);
		},
		[reducer],
	);
	const latest = useCallback(() => ref.current, []);
	return [state, dispatch, latest];
}

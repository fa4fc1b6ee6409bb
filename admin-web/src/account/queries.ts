//! The signed-out pages' queries: whether this server lets people sign up.

import { useQuery } from "@tanstack/react-query";
import { keys } from "../inbox/cache";
import { publicAuthClient } from "../lib/api";

/**
 * The server's sign-up policy (AuthService.GetSignUpPolicy). `open` says whether SignUp
 * would create a workspace now; the server still decides when the form is sent. A failed
 * call is not retried: the screens then offer sign-up and let SignUp answer.
 */
export function useSignUpPolicy() {
  return useQuery({
    queryKey: keys.signUpPolicy,
    queryFn: () => publicAuthClient.getSignUpPolicy({}),
    // Under the first-workspace policy, sign-up closes as soon as someone signs up.
    staleTime: 0,
    retry: false,
  });
}
